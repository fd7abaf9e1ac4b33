"""Export contains everything; after erasure nothing personal remains in any table; totals kept."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import time_machine
from sqlalchemy import JSON, String, Text, cast, func, or_, select

from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.privacy import service as privacy
from advocacy.privacy.models import DataExport
from advocacy.queue import service as queue
from advocacy.tracking import service as tracking
from tests import factories as f

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def meta(ip):
    return tracking.RequestMeta(remote_addr=ip, user_agent=UA, referrer="https://lnkd.in/x")


def rich_person(now):
    """A person with data in every kind of table."""
    team = f.unit("Hjemmesykepleien Nord")
    care = f.topic("Omsorg")
    person = f.user(unit=team, name="Sigrid Særnavn", email="sigrid.saernavn@example.org",
                    title="Spesialsykepleier Unikus", topics=(care,))
    colleague = f.user(unit=team)
    posts = [f.post(f"Stilling {n}") for n in range(3)]
    shares = [
        f.share(person, posts[0], "linkedin", "Mine egne ord om jobben =HYPERLINK(1)", now=now),
        f.share(person, posts[1], "x", "Kort tekst fra Sigrid", now=now),
        f.share(colleague, posts[0], "linkedin", "Kollegas tekst", now=now),
    ]
    for n, share in enumerate(shares):
        for m in range(n + 2):
            tracking.record_click(share.token, meta(f"203.0.113.{m}"), secret="s", now=now)
    queue.skip(person, posts[2], now)
    privacy.join(person, now)
    privacy.set_named(person, True)
    leader = f.user("leader", unit=team)
    privacy.record_personal_data_access(leader, person, what="leader.person", now=now)
    db.session.flush()
    return person, shares


def export_for(person, now):
    export = privacy.request_export(person, now)
    privacy.build_export(export.id, now)
    return export


def test_export_contains_everything_as_json_and_escaped_csv(db_session):
    now = utcnow()
    person, shares = rich_person(now)
    export = export_for(person, now)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    names = set(archive.namelist())
    assert {"data.json", "profile.csv", "shares.csv", "clicks.csv", "topics.csv",
            "queue_decisions.csv", "access_log.csv"} <= names
    data = json.loads(archive.read("data.json"))
    assert data["profile"][0]["name"] == "Sigrid Særnavn"
    assert data["profile"][0]["email"] == "sigrid.saernavn@example.org"
    assert data["profile"][0]["named_opt_in"] is True
    assert {s["text"] for s in data["shares"]} == {s.text for s in shares[:2]}
    assert {s["token"] for s in data["shares"]} == {s.token for s in shares[:2]}
    assert len(data["clicks"]) == 2 + 3  # their own shares only
    assert data["topics"] == [{"topic": "Omsorg"}]
    assert data["queue_decisions"][0]["choice"] == "skipped"
    assert data["access_log"][0]["what"] == "leader.person"
    assert "Kollegas tekst" not in archive.read("data.json").decode()
    rows = list(csv.DictReader(io.StringIO(archive.read("shares.csv").decode())))
    texts = {r["text"] for r in rows}
    assert "'Mine egne ord om jobben =HYPERLINK(1)" not in texts  # only cells *starting* with =
    assert "Mine egne ord om jobben =HYPERLINK(1)" in texts


def test_export_csv_escapes_formula_cells(db_session):
    now = utcnow()
    person = f.user(name="=cmd|' /C calc'!A0")
    export = export_for(person, now)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    row = next(csv.DictReader(io.StringIO(archive.read("profile.csv").decode())))
    assert row["name"] == "'=cmd|' /C calc'!A0"


def personal_strings(person, shares):
    return [person.name, person.email, person.title, *[s.text for s in shares],
            *[s.token for s in shares]]


def find_everywhere(session, needles):
    """Every text column of every table, searched for every needle."""
    hits = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for needle in needles:
            clause = or_(*[func.lower(cast(c, Text)).contains(needle.lower()) for c in columns])
            found = session.execute(select(func.count()).select_from(table).where(clause))
            if found.scalar():
                hits.append((table.name, needle))
    return hits


def test_erasure_leaves_nothing_personal_and_keeps_totals(client, login, db_session):
    now = utcnow()
    person, shares = rich_person(now)
    mine = shares[:2]
    export_for(person, now)
    needles = personal_strings(person, mine)
    assert find_everywhere(db_session, needles)  # the search does find them before
    team_ids = {person.unit_id}
    before_org, before_unit = privacy.totals(), privacy.totals(team_ids)
    person_id, old_token = person.id, mine[0].token
    login(person)
    refused = client.post("/privacy/erase", data={"email": "someone.else@example.org"})
    assert refused.status_code == 400
    response = client.post("/privacy/erase", data={"email": person.email.upper()})
    assert response.status_code == 302
    assert find_everywhere(db_session, needles) == []
    assert privacy.totals() == before_org
    assert privacy.totals(team_ids) == before_unit
    assert before_org.shares == 3 and before_org.clicks == 2 + 3 + 4
    assert db_session.scalar(select(func.count()).select_from(DataExport)) == 0
    # the erasure itself is logged, without the person's name
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.target_id == person_id and entry.details == {"reason": "request"}
    # the old links now look like any unknown token
    assert client.get(f"/r/{old_token}").status_code == 404
    # the session is gone with the person
    assert client.get("/privacy").status_code == 302


def test_admin_erasure_is_logged_and_needs_confirmation(client, login, db_session):
    now = utcnow()
    person, shares = rich_person(now)
    needles = personal_strings(person, shares[:2])
    admin = f.user("admin")
    login(admin)
    assert client.post(f"/admin/people/{person.id}/erase").status_code == 303
    assert db_session.get(type(person), person.id) is not None
    assert client.post(f"/admin/people/{person.id}/erase", data={"confirm": "erase"}) \
        .status_code == 302
    assert find_everywhere(db_session, needles) == []
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.actor_id == admin.id


def test_people_who_left_are_erased_automatically_after_the_set_days(db_session):
    now = utcnow()
    person, shares = rich_person(now)
    stays = f.user()
    closed = f.user()
    closed.active, closed.deactivated_at = False, now
    privacy.leave(person, now)
    needles = personal_strings(person, shares[:2])
    before = privacy.totals()
    with time_machine.travel(now + timedelta(days=29), tick=False):
        assert privacy.run_retention(utcnow()).people_erased == 0
    with time_machine.travel(now + timedelta(days=31), tick=False):
        report = privacy.run_retention(utcnow())
        assert report.people_erased == 2
        assert privacy.run_retention(utcnow()).people_erased == 0
    assert find_everywhere(db_session, needles) == []
    assert db_session.get(type(stays), stays.id) is not None
    assert privacy.totals() == before
