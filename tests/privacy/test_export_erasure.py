"""Export contains everything; after erasure nothing personal remains in any table; the
anonymous unit and organisation rollups stay the same, also after an incremental rollup and a
full rebuild."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from flask import current_app
from sqlalchemy import JSON, String, Text, cast, func, or_, select

from advocacy.accounts.models import User
from advocacy.activity.models import ActivityEvent, PersonMonth, UnitDimMonth, UnitMonth
from advocacy.activity.rollup import rebuild, rollup_recent
from advocacy.activity.unit_history import move_to_unit
from advocacy.audit import service as audit
from advocacy.audit.models import AuditEntry
from advocacy.content import comments, editing, post_input
from advocacy.content.models import Post
from advocacy.db import utcnow
from advocacy.endorsements import service as endorsements
from advocacy.extensions import db
from advocacy.onboarding import service as onboarding
from advocacy.people import service as people
from advocacy.privacy import personal
from advocacy.privacy.access_log import record_personal_data_access
from advocacy.privacy.exports import build_export, request_export
from advocacy.privacy.models import DataExport, PrivacyNotice
from advocacy.privacy.notices import mark_notice_seen
from advocacy.privacy.participation import join, leave, set_named
from advocacy.privacy.retention import run_retention
from advocacy.queue import service as queue
from advocacy.sharing.models import Share
from advocacy.stories import service as stories
from advocacy.takeovers import service as takeovers
from advocacy.tracking.models import Click
from tests import factories as f

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
# Mid-month, so that "two months ago" and "last week" fall in other months.
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def meta(ip):
    return f.Visitor(remote_addr=ip, user_agent=UA, referrer="https://lnkd.in/x")


@dataclass
class Rich:
    person: User
    colleague: User
    shares: list[Share]  # the person's own
    texts: list[str]  # everything the person wrote that must go
    photo_gone: Path  # the photo of a story nobody used
    photo_kept: Path  # the photo of a story that became a post
    credited_post: Post


def rich_person(now=T0) -> Rich:
    """A person with rows in every per-person table: ambassador, curator and leader at once."""
    old_unit = f.unit("Legevakten Sør")
    team = f.unit("Hjemmesykepleien Nord")
    care = f.topic("Omsorg")
    person = f.user("ambassador", "curator", "leader", unit=old_unit, led_units=(team,),
                    name="Sigrid Særnavn", email="sigrid.saernavn@example.org",
                    title="Spesialsykepleier Unikus", topics=(care,))
    colleague = f.user(unit=team, name="Kari Kollega")
    other_leader = f.user("leader", "curator", unit=team, led_units=(team,))
    posts = [f.post(f"Stilling {n}", topics=(care,), now=now - timedelta(days=70))
             for n in range(3)]
    # Shares in the old unit two months ago, then a move, then shares in the new team.
    early = now - timedelta(days=60)
    shares = [f.share(person, posts[0], "linkedin", "Mine egne ord =HYPERLINK(1)", now=early)]
    move_to_unit(person, team.id, now - timedelta(days=30))
    shares.append(f.share(person, posts[1], "x", "Kort tekst fra Sigrid", now=now))
    colleague_share = f.share(colleague, posts[0], "linkedin", "Kollegas tekst", now=now)
    for n, share in enumerate([*shares, colleague_share]):
        for m in range(n + 2):
            f.click(share.token, meta(f"203.0.113.{m}"), secret="s",
                                  now=share.created_at + timedelta(hours=m))
    f.click(shares[0].token, meta("198.51.100.9"), secret="s",
                          now=now)  # a click this month on last month's share
    queue.skip(person, posts[2], now)
    queue.record_impressions(person, [p.id for p in posts], now)
    onboarding.accept_guidelines(person, 1, now=now)
    onboarding.save_interests(person, [care.id], ["linkedin", "x"], now=now)
    join(person, now)
    set_named(person, True)
    # kudos both ways, an endorsement, requests both ways
    endorsements.give_kudos(other_leader, person, "Takk for innsatsen, Sigrid!", now)
    endorsements.give_kudos(person, colleague, "Sigrids hilsen til Kari", now)
    endorsements.endorse(person, posts[1], "Sigrids anbefaling", now)
    endorsements.request_endorsement(posts[0], person, by=other_leader, note="Kan du?", now=now)
    endorsements.request_endorsement(posts[2], other_leader, by=person,
                                     note="Sigrids forespørsel", now=now)
    # stories: one new with a photo, one declined, one that became a post (with its photo)
    new_story = f.story(person, title="Sigrids nattevakt", text="Sigrids egen historie",
                        photo=True, now=now)
    declined = f.story(person, title="Sigrids avslåtte", text="Sigrids andre historie", now=now)
    stories.decline(declined, other_leader, reason="Not now", now=now)
    accepted = f.story(other_leader, title="Kollegas historie", text="Godkjent tekst",
                       photo=True, now=now)
    credited = stories.accept(accepted, other_leader, link="https://example.org/s", now=now)
    credited.credit_user_id = person.id  # as if the person had written it
    # curator work: a post of their own, an edit, a comment
    editing.create_post(post_input.PostData(
        title="Sigrids innlegg", link="https://example.org/p", kind="news", status="draft",
        texts={"linkedin": "Organisasjonens tekst"}), by_user_id=person.id, now=now)
    comments.add_comment(posts[0], person, "Sigrids kommentar", now=now)
    data = post_input.PostData(title="Stilling 2 (endret)", link=posts[2].link, kind="job",
                            status="live", texts={"linkedin": "Ny tekst"},
                            deadline_at=posts[2].deadline_at, place="Oslo")
    editing.update_post(posts[2], data, now=now, by_user_id=person.id)
    # a takeover with its reminder
    takeover = f.takeover(person, now=now)
    takeover.plan = "Sigrids plan for dagen"
    takeovers.approve(takeover, other_leader, now=now, tz=UTC)
    # privacy: a notice seen, a look by a leader, a look by the person at someone else
    notice = PrivacyNotice(kind="person_view", created_at=now, purpose="p")
    db.session.add(notice)
    db.session.flush()
    mark_notice_seen(person, notice.id, now)
    record_personal_data_access(other_leader, person, what="leader.person", now=now)
    record_personal_data_access(person, colleague, what="leader.person", now=now)
    audit.record(person.id, "topic.create", now=now, target_type="topic", target_id=care.id)
    # reminders: their choices, a reminder sent to them, a one-click link they used
    from advocacy.reminders.models import Reminder, ReminderPreference, UsedToken

    db.session.add_all([
        ReminderPreference(user_id=person.id, frequency="daily"),
        Reminder(user_id=person.id, kind="digest", period="digest:2026-03-02", due_at=now,
                 status="sent", sent_at=now),
        UsedToken(jti="used-by-the-person", user_id=person.id, used_at=now),
    ])
    rollup_recent(now, UTC)
    db.session.flush()
    upload = Path(current_app.config["UPLOAD_DIR"])
    return Rich(
        person=person, colleague=colleague, shares=shares,
        texts=[s.text for s in shares] + [
            "Takk for innsatsen, Sigrid!", "Sigrids hilsen til Kari", "Sigrids anbefaling",
            "Sigrids forespørsel", "Sigrids nattevakt", "Sigrids egen historie",
            "Sigrids avslåtte", "Sigrids andre historie", "Sigrids kommentar",
            "Sigrids plan for dagen",
        ],
        photo_gone=upload / new_story.photo_name,
        photo_kept=upload / accepted.photo_name,
        credited_post=credited,
    )


def export_for(person, now=T0):
    export = request_export(person, now)
    build_export(export.id, now)
    return export


def test_export_contains_everything_as_json_and_escaped_csv(db_session):
    rich = rich_person()
    person = rich.person
    export = export_for(person)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    data = json.loads(archive.read("data.json"))
    # one CSV per kind, and no kind left empty for a person with data everywhere
    kinds = {kind for kinds in personal.EXPORTED.values() for kind in kinds}
    assert kinds <= set(data)
    assert {f"{kind}.csv" for kind in data} | {"data.json"} == set(archive.namelist())
    assert [kind for kind in sorted(data) if not data[kind]] == []
    profile = data["profile"][0]
    assert profile["name"] == "Sigrid Særnavn"
    assert profile["email"] == "sigrid.saernavn@example.org"
    assert profile["named_opt_in"] is True
    assert profile["unit"] == "Hjemmesykepleien Nord"  # the unit's path, where they work now
    assert "password_hash" not in profile and "session_version" not in profile
    assert {s["text"] for s in data["shares"]} == {s.text for s in rich.shares}
    assert {s["token"] for s in data["shares"]} == {s.token for s in rich.shares}
    assert len(data["clicks"]) == 2 + 3 + 1  # their own shares only
    assert data["topics"] == [{"topic": "Omsorg"}]
    assert data["queue_decisions"][0]["choice"] == "skipped"
    assert len(data["queue_impressions"]) == 3
    assert data["access_log"][0]["what"] == "leader.person"
    assert data["looks_at_others"][0]["subject_id"] == rich.colleague.id
    # the rollups: September in the old unit, November in the new team, and November's click
    # on September's share still with the old unit (the unit at the time of sharing)
    months = {(m["month_key"], m["unit_id"]): m for m in data["monthly_activity"]}
    old_unit, team = data["unit_history"][0]["unit_id"], data["unit_history"][1]["unit_id"]
    assert set(months) == {("2026-09", old_unit), ("2026-11", team), ("2026-11", old_unit)}
    assert months[("2026-11", old_unit)]["clicks"] == 1
    assert sum(m["shares"] for m in months.values()) == 2
    assert sum(m["clicks"] for m in months.values()) == 2 + 3 + 1
    assert {e["kind"] for e in data["activity_events"]} == {
        "share", "skip", "endorse", "kudos_given", "kudos_received"}
    assert [u["valid_to"] is None for u in data["unit_history"]] == [False, True]
    assert data["kudos_received"][0]["message"] == "Takk for innsatsen, Sigrid!"
    assert data["kudos_given"][0]["recipient"] == "Kari Kollega"
    assert data["endorsements"][0]["note"] == "Sigrids anbefaling"
    assert {r["note"] for r in data["endorsement_requests"]} == {"Kan du?",
                                                                 "Sigrids forespørsel"}
    assert {s["title"] for s in data["stories"]} == {"Sigrids nattevakt", "Sigrids avslåtte"}
    assert data["post_comments"][0]["body"] == "Sigrids kommentar"
    assert data["post_revisions"]
    assert {p["your_part"] for p in data["posts"]} == {"author", "credited"}
    assert data["takeovers"][0]["plan"] == "Sigrids plan for dagen"
    assert [r["kind"] for r in data["reminders"]].count("takeover") == 1
    assert data["guideline_acceptances"][0]["version"] == 1
    assert data["ambassador_profile"][0]["networks"] == ["linkedin", "x"]
    assert {a["action"] for a in data["own_actions"]} == {"person.view", "topic.create"}
    assert data["notices"][0]["seen_at"]
    text = archive.read("data.json").decode()
    assert "Kollegas tekst" not in text and "nonce" not in text and "visitor_hash" not in text
    rows = list(csv.DictReader(io.StringIO(archive.read("shares.csv").decode())))
    texts = {r["text"] for r in rows}
    assert "Mine egne ord =HYPERLINK(1)" in texts  # only cells *starting* with = are escaped


def test_export_csv_escapes_formula_cells(db_session):
    person = f.user(name="=cmd|' /C calc'!A0")
    export = export_for(person)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    row = next(csv.DictReader(io.StringIO(archive.read("profile.csv").decode())))
    assert row["name"] == "'=cmd|' /C calc'!A0"


def tables_referencing_users():
    return {
        (table.name, fk.parent.name)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys if fk.column.table.name == "users"
    }


def test_every_per_person_table_is_exported_and_has_an_erasure_rule(db_session):
    """A new table pointing at users fails here until export and erasure say what they do."""
    tables = {name for name, _column in tables_referencing_users()} | {"users"}
    assert tables == set(personal.ERASURE)
    assert tables == set(personal.EXPORTED)
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "users":
                assert fk.ondelete in {"CASCADE", "SET NULL"}, (table.name, fk.parent.name)


def personal_strings(rich):
    person = rich.person
    return [person.name, person.email, person.title, *rich.texts,
            *[s.token for s in rich.shares]]


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


def references_to(session, user_id):
    """Rows in any table whose foreign key still points at the person."""
    hits = []
    for name, column in tables_referencing_users():
        table = db.metadata.tables[name]
        found = session.scalar(select(func.count()).select_from(table)
                               .where(table.c[column] == user_id))
        if found:
            hits.append((name, column))
    hits += [("programmes", "updated_by_id")] if session.scalar(
        select(func.count()).select_from(db.metadata.tables["programmes"])
        .where(db.metadata.tables["programmes"].c.updated_by_id == user_id)) else []
    return hits


def rollups(session):
    """Every anonymous unit and organisation rollup row, as dashboards read them."""
    out = []
    for model in (UnitMonth, UnitDimMonth):
        table = model.__table__
        out.append(session.execute(
            select(table).order_by(*table.primary_key.columns)).all())
    return out


def person_months(session, user_id):
    return session.execute(select(PersonMonth.month, PersonMonth.shares, PersonMonth.clicks)
                           .where(PersonMonth.user_id == user_id)
                           .order_by(PersonMonth.month)).all()


def test_erasure_leaves_nothing_personal_and_keeps_totals(client, login, db_session):
    rich = rich_person()
    person = rich.person
    export_for(person)
    needles = personal_strings(rich)
    assert set(find_everywhere(db_session, needles)) >= {("users", person.email),
                                                         ("shares", rich.shares[0].token)}
    assert rich.photo_gone.exists() and rich.photo_kept.exists()
    before = rollups(db_session)
    assert sum(row.shares for row in before[0]) == 3
    assert sum(row.clicks for row in before[0]) == 2 + 3 + 1 + 4
    colleague_months = person_months(db_session, rich.colleague.id)
    assert colleague_months
    person_id, old_token = person.id, rich.shares[0].token
    with time_machine.travel(T0, tick=False):
        login(person)
        refused = client.post("/privacy/erase", data={"email": "someone.else@example.org"})
        assert refused.status_code == 400
        response = client.post("/privacy/erase", data={"email": person.email.upper()})
    assert response.status_code == 302
    assert find_everywhere(db_session, needles) == []
    assert references_to(db_session, person_id) == []
    assert db_session.scalar(select(func.count()).select_from(DataExport)) == 0
    # the photo nobody used is gone from disk once the erasure committed; a post's stays
    assert not rich.photo_gone.exists()
    assert rich.photo_kept.exists()
    credited = db_session.get(Post, rich.credited_post.id)
    assert credited is not None and credited.credit_user_id is None
    # totals: the same now, after an incremental rollup and after a full rebuild
    assert rollups(db_session) == before
    rollup_recent(T0 + timedelta(minutes=5), UTC)
    assert rollups(db_session) == before
    rebuild(UTC)
    assert rollups(db_session) == before
    assert db_session.scalar(select(func.count()).select_from(PersonMonth)
                             .where(PersonMonth.user_id == person_id)) == 0
    assert person_months(db_session, rich.colleague.id) == colleague_months
    # the shares and events stay, anonymous, with the unit at the time
    assert db_session.scalar(select(func.count()).select_from(ActivityEvent)
                             .where(ActivityEvent.user_id.is_(None))) >= 5
    # the erasure itself is logged, without the person's name
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.target_id == person_id and entry.details == {"reason": "request"}
    # the old links now look like any unknown token, and count no clicks
    clicks = db_session.scalar(select(func.count()).select_from(Click))
    assert client.get(f"/r/{old_token}").status_code == 404
    assert client.get(f"/r/{personal.ERASED_LINK_PREFIX}1").status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Click)) == clicks
    # the session is gone with the person
    assert client.get("/privacy").status_code == 302


def test_admin_erasure_is_logged_and_needs_confirmation(client, login, db_session):
    rich = rich_person()
    person = rich.person
    needles = personal_strings(rich)
    admin = f.user("admin")
    login(admin)
    assert client.post(f"/admin/people/{person.id}/erase").status_code == 303
    assert db_session.get(type(person), person.id) is not None
    assert client.post(f"/admin/people/{person.id}/erase", data={"confirm": "erase"}) \
        .status_code == 302
    assert find_everywhere(db_session, needles) == []
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.actor_id == admin.id


def plain_ambassador(unit, name, now):
    person = f.user(unit=unit, name=name)
    share = f.share(person, f.post(now=now), "linkedin", f"{name} sine ord", now=now)
    f.click(share.token, meta("203.0.113.7"), secret="s", now=now)
    return person, share


def test_people_who_left_are_erased_automatically_after_the_set_days(db_session):
    now = T0
    team = f.unit()
    curator = f.user("curator", unit=team)
    left, left_share = plain_ambassador(team, "Ola Slutter", now)
    closed, closed_share = plain_ambassador(team, "Per Pensjonist", now)
    back, _ = plain_ambassador(team, "Liv Tilbake", now)
    stays, _ = plain_ambassador(team, "Kari Blir", now)
    staff = f.user("ambassador", "curator", unit=team, name="Kuratoren Som Sluttet")
    staff_share = f.share(staff, f.post(now=now), "x", "Kuratorens ord", now=now)
    leave(left, now)
    leave(staff, now)
    people.set_active(closed, False, by=curator, now=now)
    people.set_active(back, False, by=curator, now=now)
    people.set_active(back, True, by=curator, now=now + timedelta(days=3))
    rollup_recent(now, UTC)
    before = rollups(db_session)
    needles = ["Ola Slutter", left.email, "Ola Slutter sine ord", left_share.token,
               "Per Pensjonist", "Per Pensjonist sine ord", closed_share.token,
               "Kuratorens ord", staff_share.token]
    with time_machine.travel(now + timedelta(days=29), tick=False):
        assert run_retention(utcnow(), UTC).people_erased == 0
    with time_machine.travel(now + timedelta(days=31), tick=False):
        report = run_retention(utcnow(), UTC)
        assert report.people_erased == 3
        assert run_retention(utcnow(), UTC).people_erased == 0
    assert find_everywhere(db_session, needles) == []
    assert db_session.get(User, stays.id) is not None
    assert db_session.get(User, back.id) is not None  # came back: not erased
    # a curator who left the programme keeps the account; their participation is gone
    kept = db_session.get(User, staff.id)
    assert kept is not None and kept.joined_at is None and kept.left_at is None
    assert person_months(db_session, staff.id) == []
    actions = set(db_session.scalars(select(AuditEntry.action)))
    assert {"person.erase", "person.erase_participation"} <= actions
    assert rollups(db_session) == before
    rebuild(UTC)
    assert rollups(db_session) == before
