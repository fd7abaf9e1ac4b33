"""Corps health over time folds each period by that period's head counts (issue 10, item 2)
and shows the hires that shares brought (issue 13, item 5): page, CSV and API alike."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from advocacy.activity.models import EventKind
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild, rollup_recent
from advocacy.db import utcnow
from advocacy.programme.service import get_programme
from tests import factories as f

TZ = ZoneInfo("Europe/Oslo")


def ambassador(unit, joined: datetime, name: str | None = None):
    person = f.user("ambassador", unit=unit, name=name)
    for role in person.roles:
        role.created_at = joined
    return person


def page_tables(page: str) -> dict[str, list[list[str]]]:
    out = {}
    for key, body in re.findall(r'<table class="data-table" id="table-([\w-]+)">.*?<tbody>(.*?)'
                                r"</tbody>", page, re.S):
        out[key] = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return out


def machine(cell: str) -> str:
    """A cell as a number's value where it is one: the page writes numbers in the reader's
    format (100, 12,345.5 in en), the CSV in the machine's (100.0, 12345.5); "–" is an
    empty CSV cell."""
    if cell in ("–", ""):
        return ""
    try:
        return repr(float(cell.replace(",", "")))
    except ValueError:
        return cell


def csv_rows(client, key: str, query: str) -> list[list[str]]:
    text = client.get(f"/insights/health.csv?table={key}&{query}").get_data(as_text=True)
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]


@pytest.fixture
def grown(db_session):
    """Top with Care (five since two years) and Small (two then, five now)."""
    get_programme().min_group_size = 5
    now = utcnow()
    year = now.astimezone(TZ).year
    long_ago = datetime(year - 2, 3, 1, tzinfo=UTC)
    top = f.unit("Top")
    care, small = f.unit("Care", parent=top), f.unit("Small", parent=top)
    carers = [ambassador(care, long_ago) for _ in range(5)]
    early = [ambassador(small, long_ago) for _ in range(2)]
    [ambassador(small, now) for _ in range(3)]
    last_year = datetime(year - 1, 6, 15, tzinfo=UTC)
    for person in carers + early:
        record_event(EventKind.SHARE, user=person, now=last_year, network="linkedin")
    boss = f.user("leader", unit=top, led_units=(top,), name="Boss")
    rebuild(TZ, now=now)
    query = f"from={year - 1}-01&to={now.astimezone(TZ).strftime('%Y-%m')}&resolution=year"
    return {"top": top, "care": care, "small": small, "boss": boss, "year": year,
            "query": query}


OVER_TIME = ("people", "activity", "recruitment", "concentration", "leaders", "networks",
             "topics")


def test_a_past_period_is_folded_by_the_blocks_of_that_period(client, login, grown, bearer):
    """Last year Small had two people: neither Small nor Care may show last year's figures
    (Top's minus Care's would be Small's two), while Top shows them as one block of seven."""
    login(grown["boss"])
    last, this = str(grown["year"] - 1), str(grown["year"])
    seen: dict[str, dict[str, dict[str, list[str]]]] = {}
    for name in ("top", "care", "small"):
        query = f"unit={grown[name].id}&{grown['query']}"
        page = client.get(f"/insights/health?{query}")
        assert page.status_code == 200
        tables = page_tables(page.get_data(as_text=True))
        for key in OVER_TIME:
            assert key in tables, (name, key)
            # the CSV is the page's table, cell by cell ("–" is an empty cell)
            assert [[machine(c) for c in row] for row in tables[key]] == \
                [[machine(c) for c in row] for row in csv_rows(client, key, query)], (name, key)
        api = client.get(f"/api/v1/corps-health?unit_id={grown[name].id}&years=2"
                         "&resolution=year", headers=bearer).get_json()
        people = next(t for t in api["tables"] if t["key"] == "people")
        by_period = {row["period"]: row for row in people["rows"]}
        seen[name] = {key: {row[0]: row for row in tables[key]} for key in OVER_TIME}
        page_people = seen[name]["people"]
        for period, row in by_period.items():
            if period in page_people:  # the API's cells are the page's
                shown = "–" if row["enrolled"] is None else str(row["enrolled"])
                assert shown == page_people[period][1], (name, period)
    top, care, small = seen["top"], seen["care"], seen["small"]
    assert top["people"][last][1:3] == ["7", "7"]  # one block: Care with Small
    assert top["activity"][last][1] == "7"
    assert top["networks"][last][1] == "7"
    for sub in (care, small):
        for key in OVER_TIME:
            assert set(sub[key][last][1:]) == {"–"}, key
    # this year Small has five: every scope shows its own enrolment
    assert top["people"][this][1] == "10"
    assert care["people"][this][1] == "5" and small["people"][this][1] == "5"


def test_a_hire_from_a_share_shows_in_the_leaders_aggregate_and_folds(client, login, bearer,
                                                                      db_session):
    get_programme().min_group_size = 5
    top = f.unit("Region")
    team = f.unit("Team", parent=top)
    tiny = f.unit("Tiny", parent=team)  # two people: folded into Team
    people = [f.user("ambassador", unit=team) for _ in range(5)]
    loners = [f.user("ambassador", unit=tiny) for _ in range(2)]
    job = f.post(kind="job")
    job.job_reference = "WC-900"
    shared, lone = f.share(people[0], job), f.share(loners[0], job)
    db_session.flush()
    for ats_id, share in (("A-1", shared), ("A-2", lone)):
        assert client.post("/api/v1/applications", headers=bearer, json={
            "job_reference": "WC-900", "ats_application_id": ats_id,
            "share_reference": share.reference}).status_code == 201
    # the outcome comes later, and a retry does not count the hire twice
    for _ in range(2):
        assert client.patch("/api/v1/jobs/WC-900/applications/A-1", headers=bearer,
                            json={"outcome": "hired"}).status_code == 200
    assert client.post("/api/v1/applications", headers=bearer, json={
        "job_reference": "WC-900", "ats_application_id": "A-2",
        "share_reference": lone.reference, "outcome": "hired"}).status_code == 200
    rollup_recent(utcnow(), TZ)
    leader = f.user("leader", unit=top, led_units=(top,))
    login(leader)
    period = str(utcnow().astimezone(TZ).year)
    query = f"years=1&resolution=year&unit={team.id}"
    rows = {row[0]: row for row in page_tables(client.get(
        f"/insights/health?{query}").get_data(as_text=True))["recruitment"]}
    # Team with Tiny: two applications, both hired (the retried outcome counts once)
    assert rows[period][1:4] == ["2", "2", "100"]
    assert csv_rows(client, "recruitment", query)[-1][1:3] == ["2", "2"]
    api = client.get(f"/api/v1/corps-health?unit_id={team.id}&years=1&resolution=year",
                     headers=bearer).get_json()
    table = next(t for t in api["tables"] if t["key"] == "recruitment")
    assert (table["rows"][-1]["applications"], table["rows"][-1]["hires"]) == (2, 2)
    # Tiny (two people) is folded into Team: its page shows no figures of its own
    tiny_page = client.get(f"/insights/health?unit={tiny.id}&years=1").get_data(as_text=True)
    assert 'id="table-recruitment"' not in tiny_page
    top_rows = {row[0]: row for row in page_tables(client.get(
        f"/insights/health?years=1&resolution=year&unit={top.id}").get_data(
            as_text=True))["recruitment"]}
    assert top_rows[period][1:3] == ["2", "2"]
