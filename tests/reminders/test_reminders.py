"""Reminder planning, quiet hours and time zones, notify(), the report: services called directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from advocacy import tasknames
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.programme.service import get_programme
from advocacy.reminders import dispatch, errors, hours, notices, planning, preferences
from advocacy.reminders import report as reminder_report
from advocacy.reminders.models import Kind, Reminder, ReminderPreference, Status
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")


def at(text: str) -> datetime:
    """A UTC instant from 'YYYY-MM-DD HH:MM' given in Oslo wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=OSLO).astimezone(UTC)


def rows(**where) -> list[Reminder]:
    query = select(Reminder).order_by(Reminder.id)
    for key, value in where.items():
        query = query.where(getattr(Reminder, key) == value)
    return list(db.session.scalars(query))


# --- quiet hours and time zones --------------------------------------------------------------


def test_default_window_is_08_to_16_on_weekdays_in_oslo():
    pref = preferences.defaults(1)
    # Wednesday 10:00 in Oslo: now.
    now = at("2026-11-25 10:00")
    assert hours.next_allowed(pref, now, OSLO) == now
    # Wednesday 16:00 is outside (the window is [08, 16)): Thursday 08:00 Oslo = 07:00 UTC.
    assert hours.next_allowed(pref, at("2026-11-25 16:00"), OSLO) == datetime(
        2026, 11, 26, 7, 0, tzinfo=UTC)
    # Saturday: Monday 08:00.
    assert hours.next_allowed(pref, at("2026-11-28 11:00"), OSLO) == at("2026-11-30 08:00")
    # Before work on a weekday: the same day at 08:00.
    assert hours.next_allowed(pref, at("2026-11-25 06:59"), OSLO) == at("2026-11-25 08:00")


def test_switch_to_summer_time_moves_the_utc_hour():
    pref = preferences.defaults(1)
    # Friday 27 March 2026, 17:00 CET. Clocks go forward on Sunday 29 March.
    friday_evening = at("2026-03-27 17:00")
    assert friday_evening == datetime(2026, 3, 27, 16, 0, tzinfo=UTC)
    monday = hours.next_allowed(pref, friday_evening, OSLO)
    assert monday == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST
    # A person who also works on Sundays gets 08:00 on the switch day itself, 06:00 UTC.
    pref.work_days = "1234567"
    assert hours.next_allowed(pref, datetime(2026, 3, 28, 20, 0, tzinfo=UTC), OSLO) == \
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    # 07:30 UTC on the Saturday before is 08:30 CET: inside; on Sunday 06:30 UTC is 08:30 CEST.
    assert hours.allowed_at(pref, datetime(2026, 3, 28, 7, 30, tzinfo=UTC), OSLO)
    assert hours.allowed_at(pref, datetime(2026, 3, 29, 6, 30, tzinfo=UTC), OSLO)
    assert not hours.allowed_at(pref, datetime(2026, 3, 28, 6, 30, tzinfo=UTC), OSLO)


def test_switch_back_to_winter_time_moves_the_utc_hour():
    pref = preferences.defaults(1)
    pref.work_days = "1234567"
    # Sunday 25 October 2026 at 03:00 CEST clocks go back to 02:00 CET.
    saturday_night = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    assert hours.next_allowed(pref, saturday_night, OSLO) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET, an hour later in UTC than the day before
    assert hours.next_allowed(pref, datetime(2026, 10, 23, 20, 0, tzinfo=UTC), OSLO) == \
        datetime(2026, 10, 24, 6, 0, tzinfo=UTC)  # 08:00 CEST
    # 15:30 UTC is 16:30 CET (outside) after the switch, 17:30 CEST (outside) before,
    # and 14:30 UTC is 15:30 CET after the switch (inside).
    assert hours.allowed_at(pref, datetime(2026, 10, 26, 14, 30, tzinfo=UTC), OSLO)
    assert not hours.allowed_at(pref, datetime(2026, 10, 23, 14, 30, tzinfo=UTC), OSLO)


def test_a_plan_at_night_is_due_in_the_morning_with_frozen_time(db_session):
    person = f.user()
    f.post(now=utcnow())
    with time_machine.travel(at("2026-03-28 23:30"), tick=False):  # Saturday night, CET
        assert planning.plan(utcnow()) >= 1
    (digest,) = rows(user_id=person.id, kind=Kind.DIGEST)
    assert digest.due_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # Monday 08:00 CEST
    assert digest.period == "digest:2026-W13"


# --- (a) digests -------------------------------------------------------------------------


def test_digest_has_fitting_new_posts_once_per_period(db_session):
    nurses = f.topic("Nursing")
    it = f.topic("IT")
    person = f.user(topics=(nurses,))
    fitting = f.post("Nurses wanted", topics=(nurses,))
    f.post("Developers wanted", topics=(it,))
    now = at("2026-11-25 10:00")
    planning.plan(now)
    (digest,) = rows(user_id=person.id, kind=Kind.DIGEST)
    assert digest.payload["post_ids"] == [fitting.id]
    assert digest.period == "digest:2026-W48" and digest.due_at == now
    # The same week again: nothing new, whatever is published.
    f.post("More nurses", topics=(nurses,))
    assert planning.plan(now + timedelta(hours=1)) == 0
    assert len(rows(user_id=person.id, kind=Kind.DIGEST)) == 1


def test_daily_digest_only_carries_posts_published_since_the_last(db_session):
    person = f.user()
    db_session.add(ReminderPreference(user_id=person.id, frequency="daily"))
    first = f.post("First", now=at("2026-11-24 09:00"))
    planning.plan(at("2026-11-24 10:00"))
    second = f.post("Second", now=at("2026-11-24 15:00"))
    planning.plan(at("2026-11-25 10:00"))
    digests = rows(user_id=person.id, kind=Kind.DIGEST)
    assert [d.period for d in digests] == ["digest:2026-11-24", "digest:2026-11-25"]
    assert digests[0].payload["post_ids"] == [first.id]
    assert second.id in digests[1].payload["post_ids"]
    assert first.id not in digests[1].payload["post_ids"]


def test_no_digest_when_off_unsubscribed_or_nothing_new(db_session):
    off = f.user()
    db_session.add(ReminderPreference(user_id=off.id, frequency="off"))
    gone = f.user()
    db_session.add(ReminderPreference(user_id=gone.id, unsubscribed="digest"))
    now = at("2026-11-25 10:00")
    planning.plan(now)  # no posts at all yet
    assert rows(kind=Kind.DIGEST) == []
    f.post()
    planning.plan(now)
    assert {r.user_id for r in rows(kind=Kind.DIGEST)}.isdisjoint({off.id, gone.id})


# --- (b) nudges --------------------------------------------------------------------------


def test_nudge_when_a_fitting_post_ends_within_48_hours(db_session):
    person = f.user()
    sharer = f.user()
    now = at("2026-11-25 10:00")
    soon = f.post("Apply by tomorrow", ends_at=now + timedelta(hours=30), now=now)
    f.post("Apply next week", ends_at=now + timedelta(days=6), now=now)
    f.share(sharer, soon, now=now)
    planning.plan(now)
    nudges = rows(kind=Kind.NUDGE)
    assert [(n.user_id, n.post_id, n.period) for n in nudges] == [
        (person.id, soon.id, f"deadline:{soon.id}")]
    assert nudges[0].payload["reason"] == "deadline"


def test_no_nudge_when_the_post_ends_before_working_hours(db_session):
    person = f.user()
    friday_evening = at("2026-11-27 18:00")
    f.post("Ends Sunday", ends_at=at("2026-11-29 12:00"), now=friday_evening)
    planning.plan(friday_evening)
    assert rows(user_id=person.id, kind=Kind.NUDGE) == []


def test_endorsed_posts_extension_point_nudges_once(db_session):
    """The endorsements feature (issue 5) registers a source; this is the contract it uses."""
    person = f.user()
    post = f.post("Our CEO shares this")
    calls = []

    def source(now):
        calls.append(now)
        return [(post.id, "Kari Leader")]

    planning.register_endorsed_source(source)
    try:
        now = at("2026-11-25 10:00")
        planning.plan(now)
        planning.plan(now + timedelta(minutes=5))
    finally:
        planning.ENDORSED_SOURCES.remove(source)
    (nudge,) = rows(user_id=person.id, kind=Kind.NUDGE)
    assert nudge.period == f"endorsed:{post.id}" and nudge.post_id == post.id
    assert nudge.payload == {"reason": "endorsed", "endorser": "Kari Leader"}
    assert len(calls) == 2


# --- (c) re-engagement and the leader's note ---------------------------------------------


def test_reengagement_once_per_quiet_stretch(db_session):
    now = at("2026-11-25 10:00")
    quiet = f.user()
    busy = f.user()
    post = f.post(now=now - timedelta(weeks=10))
    f.share(quiet, post, now=now - timedelta(weeks=7))
    f.share(busy, post, now=now - timedelta(weeks=1))
    planning.plan(now)
    planning.plan(now + timedelta(days=3))
    (row,) = rows(kind=Kind.REENGAGE)
    assert row.user_id == quiet.id
    assert row.period == f"since:{(now - timedelta(weeks=7)).astimezone(OSLO).date()}"
    assert row.payload["weeks"] == 6


def _unit_with_ambassadors(n: int, now: datetime, before: int, recent: int):
    unit = f.unit()
    leader = f.user("leader", led_units=(unit,))
    people = [f.user(unit=unit) for _ in range(n)]
    post = f.post(now=now - timedelta(days=70))
    posts = [f.post(now=now - timedelta(days=70)) for _ in range(max(before, recent))]
    for i in range(before):
        f.share(people[i % n], posts[i], now=now - timedelta(days=40))
    for i in range(recent):
        f.share(people[i % n], posts[i], network="x", now=now - timedelta(days=3))
    del post
    return unit, leader, people


def test_leader_note_when_unit_activity_falls_without_names(db_session):
    now = at("2026-11-25 10:00")
    unit, leader, people = _unit_with_ambassadors(5, now, before=8, recent=2)
    planning.plan(now)
    (note,) = rows(kind=Kind.UNIT_DROP)
    assert note.user_id == leader.id and note.period == f"unit:{unit.id}:2026-11"
    assert note.payload == {"unit": unit.name, "ambassadors": 5, "shares_before": 8,
                            "shares_now": 2, "sharers_before": 5, "sharers_now": 2}
    flat = repr(note.payload)
    assert not any(p.name in flat or p.email in flat for p in people)


def test_no_leader_note_for_a_unit_under_the_privacy_minimum(db_session):
    now = at("2026-11-25 10:00")
    get_programme().min_group_size = 5
    _unit_with_ambassadors(4, now, before=8, recent=1)
    planning.plan(now)
    assert rows(kind=Kind.UNIT_DROP) == []


def test_no_leader_note_when_activity_holds(db_session):
    now = at("2026-11-25 10:00")
    _unit_with_ambassadors(5, now, before=6, recent=5)
    planning.plan(now)
    assert rows(kind=Kind.UNIT_DROP) == []


# --- (f) year so far, (d)/(e) notify -----------------------------------------------------


def test_year_so_far_each_month_for_people_who_were_there(db_session):
    now = at("2026-11-02 09:00")
    veteran = f.user()
    veteran.created_at = at("2026-01-10 09:00")
    newcomer = f.user()
    newcomer.created_at = at("2026-11-01 12:00")
    post = f.post(now=at("2026-01-01 09:00"))
    f.share(veteran, post, now=at("2026-03-03 10:00"))
    f.share(veteran, post, network="x", now=at("2026-11-01 10:00"))  # after October: not counted
    planning.plan(now)
    (row,) = rows(kind=Kind.YEAR)
    assert row.user_id == veteran.id and row.period == "year:2026-10"
    assert row.payload == {"year": 2026, "month": 10, "shares": 1, "clicks": 0}


def test_notify_is_once_per_key_and_respects_unsubscribe(db_session):
    person = f.user()
    now = at("2026-11-25 10:00")
    payload = {"headline": "Kudos from Kari", "body": "Great post!", "post_id": None}
    assert notices.notify(person, Kind.NOTICE, payload, now) == 1
    assert notices.notify(person, Kind.NOTICE, payload, now) == 0
    assert notices.notify(person, Kind.NOTICE, payload, now, key="kudos:1") == 1
    assert notices.notify(person, Kind.TAKEOVER, {"headline": "Your shift is Friday"}, now,
                          key="takeover:7") == 1
    preferences.unsubscribe(person.id, Kind.TAKEOVER)
    assert notices.notify(person, Kind.TAKEOVER, {"headline": "Another"}, now) == 0
    kinds = [r.kind for r in rows(user_id=person.id)]
    assert kinds.count("notice") == 2
    (takeover,) = rows(user_id=person.id, kind=Kind.TAKEOVER)
    assert takeover.status == Status.SKIPPED and takeover.last_error == "unsubscribed"
    with pytest.raises(errors.ReminderError):
        notices.notify(person, "gossip", payload, now)
    with pytest.raises(errors.ReminderError):
        notices.notify(person, Kind.NOTICE, {"when": now}, now)


def test_notify_outside_working_hours_waits_for_the_morning(db_session):
    person = f.user()
    notices.notify(person, Kind.NOTICE, {"headline": "Kudos"}, at("2026-11-25 22:00"))
    (row,) = rows(user_id=person.id)
    assert row.due_at == at("2026-11-26 08:00")


# --- dispatch, acted on, report ------------------------------------------------------------


def test_dispatch_leases_due_rows_in_batches_and_enqueues_after_commit(db_session, app,
                                                                       monkeypatch):
    from advocacy.jobs import pending

    monkeypatch.setitem(app.config, "REMINDER_BATCH_SIZE", 2)
    now = at("2026-11-25 10:00")
    people = [f.user() for _ in range(5)]
    for person in people:
        notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, now)
    notices.notify(people[0], Kind.NOTICE, {"headline": "Later"}, at("2026-11-25 20:00"))
    batches = dispatch.dispatch(now)
    assert [len(ids) for _t, ids in batches] == [2, 2, 1]
    assert [name for name, _args in pending()] == [tasknames.REMINDERS_SEND_BATCH] * 3
    # Leased rows are not handed out again until the lease ends.
    assert dispatch.dispatch(now + timedelta(seconds=30)) == []
    lease = app.config["REMINDER_DISPATCH_LEASE"]
    again = dispatch.dispatch(now + timedelta(seconds=lease + 1))
    assert sum(len(ids) for _t, ids in again) == 5


def test_acted_on_means_a_share_within_48_hours(db_session):
    now = at("2026-11-20 10:00")
    quick, slow = f.user(), f.user()
    post = f.post(now=now - timedelta(days=1))
    for person in (quick, slow):
        notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, now)
    db.session.execute(Reminder.__table__.update().values(status="sent", sent_at=now))
    f.share(quick, post, now=now + timedelta(hours=47))
    f.share(slow, post, now=now + timedelta(hours=49))
    assert reminder_report.mark_acted_on(now + timedelta(hours=50)) == 1
    acted = {r.user_id: r.acted_on_at for r in rows()}
    assert acted == {quick.id: now + timedelta(hours=47), slow.id: None}
    report = reminder_report.report(now + timedelta(hours=50), OSLO)
    assert report == [{"month": "2026-11", "kind": "notice", "sent": 2, "opened": 0,
                       "acted_on": 1, "failed": 0, "skipped": 0, "pending": 0}]


def test_plan_twice_adds_nothing_the_dedupe_key_holds(db_session):
    now = at("2026-11-25 10:00")
    for _ in range(3):
        f.user()
    f.post(now=now - timedelta(days=50), ends_at=now + timedelta(hours=5))
    first = planning.plan(now)
    assert first > 0
    assert planning.plan(now) == 0
    assert db.session.scalar(select(func.count(Reminder.id))) == first


def test_only_people_who_joined_the_programme_are_reminded(db_session):
    joined = f.user()
    never = f.user(joined=False)
    left = f.user()
    left.left_at = utcnow()
    f.post(now=utcnow())
    with time_machine.travel(at("2026-11-25 10:00"), tick=False):
        planning.plan(utcnow())
    reminded = {r.user_id for r in rows(kind=Kind.DIGEST)}
    assert joined.id in reminded
    assert never.id not in reminded and left.id not in reminded


def test_kudos_and_endorsement_requests_become_notices_once(db_session):
    from advocacy.endorsements import notices
    from advocacy.endorsements import service as endorsements

    team = f.unit()
    leader = f.user("leader", "ambassador", unit=team)
    nurse = f.user(unit=team)
    curator = f.user("curator")
    now = utcnow()
    kudos = endorsements.give_kudos(leader, nurse, "Takk for innsatsen!", now)
    assert notices.kudos_notice(kudos, now) >= 1
    assert notices.kudos_notice(kudos, now) == 0  # the same kudos is told once
    (notice,) = rows(user_id=nurse.id, kind=Kind.NOTICE)
    assert leader.name in notice.payload["headline"]
    assert notice.payload["body"] == "Takk for innsatsen!"
    post = f.post("Bli med i hjemmetjenesten")
    request = endorsements.request_endorsement(post, leader, by=curator, note="Kan du?", now=now)
    assert notices.request_notice(request, now) >= 1
    (asked,) = rows(user_id=leader.id, kind=Kind.NOTICE)
    assert "Bli med i hjemmetjenesten" in asked.payload["headline"]
    assert "/endorse" in asked.payload["body"] and "Kan du?" in asked.payload["body"]


def test_recent_endorsements_feed_the_nudges(db_session):
    from advocacy.endorsements import notices
    from advocacy.endorsements import service as endorsements

    team = f.unit()
    leader = f.user("leader", unit=team)
    post = f.post("Vi trenger deg")
    now = utcnow()
    endorsements.endorse(leader, post, "Del gjerne", now)
    assert (post.id, leader.name) in notices.recently_endorsed(now)
    assert notices.recently_endorsed(now + timedelta(days=8)) == []
    endorsements.withdraw(leader, post, now)
    assert notices.recently_endorsed(now) == []
