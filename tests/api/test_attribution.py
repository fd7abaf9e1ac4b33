"""Attribution through the API end to end: a share, a human click on its tracked link, an
application the ATS reports with the share's reference; all three show in the aggregates."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from advocacy.activity.months import month_key, month_of
from advocacy.activity.rollup import rollup_recent
from advocacy.db import utcnow
from advocacy.tracking.service import drain_until_empty
from tests import factories as f

TZ = ZoneInfo("Europe/Oslo")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def test_share_click_application_counted(app, client, db_session, bearer):
    team = f.unit("Sykehjem")
    people = [f.user("ambassador", unit=team) for _ in range(5)]
    job = f.post(kind="job")
    job.job_reference = "WC-500"
    shared = f.share(people[0], job, network="linkedin")
    db_session.flush()
    click = client.get(f"/r/{shared.token}", headers=BROWSER)
    assert click.status_code == 302
    # the click waits in the Redis stream until the drain records it
    assert drain_until_empty(db_session.commit, timeout=10) == 1
    reported = client.post("/api/v1/applications", headers=bearer, json={
        "job_reference": "WC-500", "ats_application_id": "ATS-1",
        "share_reference": shared.reference})
    assert reported.status_code == 201
    assert reported.get_json()["attributed"] is True
    assert reported.get_json()["network"] == "linkedin"
    # the ATS reports it again (a retry): still one application
    again = client.post("/api/v1/applications", headers=bearer, json={
        "job_reference": "WC-500", "ats_application_id": "ATS-1",
        "share_reference": shared.reference, "outcome": "hired"})
    assert again.status_code == 200

    period = month_key(month_of(utcnow(), TZ))
    by_post = client.get("/api/v1/stats/shares?group_by=post", headers=bearer).get_json()
    row = next(r for r in by_post["rows"] if r["post_id"] == job.id)
    assert (row["period"], row["shares"], row["clicks"], row["applications"]) == \
        (period, 1, 1, 1)

    rollup_recent(utcnow(), TZ)
    by_network = client.get("/api/v1/stats/shares?group_by=network&period=year",
                            headers=bearer).get_json()
    linkedin = next(r for r in by_network["rows"] if r["network"] == "linkedin")
    assert (linkedin["shares"], linkedin["clicks"], linkedin["applications"]) == (1, 1, 1)
    assert linkedin["period"] == period[:4]
    by_unit = client.get("/api/v1/stats/shares?group_by=unit", headers=bearer).get_json()
    unit_row = next(r for r in by_unit["rows"] if r["unit_id"] == team.id)
    assert (unit_row["shares"], unit_row["clicks"], unit_row["applications"]) == (1, 1, 1)


def test_small_units_are_folded_like_the_page(client, db_session, bearer):
    """A unit below the minimum is never a row of its own, and "other" is never smaller
    than the minimum either: the next smallest unit is folded in with it."""
    big, middle, small = f.unit("Sykehus"), f.unit("Skole"), f.unit("Lite kontor")
    job = f.post(kind="job")
    for unit, n in ((big, 7), (middle, 5), (small, 1)):
        for _ in range(n):
            f.share(f.user("ambassador", unit=unit), job)
    rollup_recent(utcnow(), TZ)
    rows = client.get("/api/v1/stats/shares?group_by=unit", headers=bearer).get_json()["rows"]
    shown = {r["unit_id"] for r in rows if not r["folded"]}
    assert big.id in shown and small.id not in shown and middle.id not in shown
    other = next(r for r in rows if r["folded"])
    assert {small.id, middle.id} <= set(other["units"]) and other["shares"] == 6
    assert sum(r["shares"] for r in rows) == 13


def test_too_few_people_in_all_gives_no_unit_rows(client, db_session, bearer):
    lonely = f.user("ambassador", unit=f.unit())
    f.share(lonely, f.post(kind="job"))
    rollup_recent(utcnow(), TZ)
    body = client.get("/api/v1/stats/shares?group_by=unit", headers=bearer).get_json()
    assert body["rows"] == [] and body["min_group"] == 5


def test_corps_health_uses_the_page_service_and_names_nobody(client, db_session, bearer):
    team = f.unit("Skole")
    people = [f.user("ambassador", unit=team) for _ in range(6)]
    people[0].named_opt_in = True
    job = f.post(kind="job")
    for person in people:
        f.share(person, job)
    rollup_recent(utcnow(), TZ)
    body = client.get(f"/api/v1/corps-health?unit_id={team.id}&years=1&resolution=month",
                      headers=bearer).get_json()
    assert body["enough_people"] is True
    keys = {t["key"] for t in body["tables"]}
    assert "overview" in keys or len(keys) > 3
    assert not keys & {"kudos", "named"}
    text = str(body)
    assert all(person.name not in text for person in people)


def test_too_few_people_in_all_gives_no_network_rows(client, db_session, bearer):
    lonely = f.user("ambassador", unit=f.unit())
    f.share(lonely, f.post(kind="job"))
    rollup_recent(utcnow(), TZ)
    body = client.get("/api/v1/stats/shares?group_by=network", headers=bearer).get_json()
    assert body["rows"] == []
