"""Retention with frozen time: raw clicks and events go only once the rollups hold them; months
already pruned keep their rollups through later rollups and full rebuilds; twice is harmless."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from advocacy.activity.models import ActivityEvent, PersonMonth, RollupState, UnitMonth
from advocacy.activity.months import month_of
from advocacy.activity.personal import personal_activity, years_side_by_side
from advocacy.activity.retention import prune_limit
from advocacy.activity.rollup import rebuild, rollup_recent
from advocacy.audit import service as audit
from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.privacy.exports import build_export, request_export
from advocacy.privacy.models import DataExport, ExportStatus
from advocacy.privacy.retention import run_retention
from advocacy.programme.service import get_programme
from advocacy.queue import service as queue
from advocacy.tracking.models import Click
from tests import factories as f
from tests.privacy.test_export_erasure import rollups

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def meta(ip, ua="Mozilla/5.0 Firefox/128"):
    return f.Visitor(remote_addr=ip, user_agent=ua, referrer=None)


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def pruned_before(session):
    row = session.get(RollupState, "pruned_before")
    return row.value if row else 0


def busy_person():
    """Shares and clicks spread over five months, a skip, a bot."""
    person = f.user(unit=f.unit())
    item = f.post(now=T0 - timedelta(days=1))
    share = f.share(person, item, now=T0)
    for n in range(4):
        f.click(share.token, meta(f"203.0.113.{n}"), secret="s",
                              now=T0 + timedelta(days=n * 40))
    f.click(share.token, meta("203.0.113.99", "Twitterbot/1.0"), secret="s",
                          now=T0)
    later = f.share(person, f.post(now=T0), "x", now=T0 + timedelta(days=100))
    f.click(later.token, meta("203.0.113.50"), secret="s",
                          now=T0 + timedelta(days=101))
    queue.skip(person, f.post(now=T0), T0)
    return person, share


def test_old_raw_rows_go_once_rolled_up_and_totals_stay_through_rebuilds(db_session):
    person, share = busy_person()
    with time_machine.travel(T0 + timedelta(days=135), tick=False):
        now = utcnow()
        rollup_recent(now, UTC)
        before, mine = rollups(db_session), years_side_by_side(person.id)
        page = personal_activity(person, UTC)
        assert sum(row.clicks for row in before[0]) == 5  # bots are counted apart
        first = run_retention(now, UTC)
        # day 0 (person and bot) and day 40 are older than 90 days; day 80 and later stay
        assert first.clicks_pruned == 3
        assert first.events_pruned == 1  # the skip; share events stay as the unit anchor
        assert count(db_session, Click) == 3
        assert count(db_session, ActivityEvent, ActivityEvent.kind == "share") == 2
        assert rollups(db_session) == before
        assert pruned_before(db_session) == month_of(now - timedelta(days=90), UTC) + 1
        second = run_retention(utcnow(), UTC)
        assert (second.clicks_pruned, second.events_pruned) == (0, 0)
        assert rollups(db_session) == before
        # neither a full rebuild nor an incremental rollup recomputes the pruned months
        rebuild(UTC)
        assert rollups(db_session) == before
        rollup_recent(utcnow() + timedelta(minutes=5), UTC)
        assert rollups(db_session) == before
    # the person still sees their own years, from their monthly rollups and the shares
    assert years_side_by_side(person.id) == mine
    assert [(y.shares, y.clicks) for y in personal_activity(person, UTC)] == \
        [(y.shares, y.clicks) for y in page]
    db_session.refresh(share)
    assert share.pruned_clicks == 2
    assert sum(year["clicks"] for year in years_side_by_side(person.id)) == 5


def test_rows_not_yet_rolled_up_are_rolled_up_before_they_go(db_session):
    person, _share = busy_person()
    assert count(db_session, UnitMonth) == 0  # nothing rolled up yet
    with time_machine.travel(T0 + timedelta(days=250), tick=False):
        run_retention(utcnow(), UTC)
    totals = db_session.execute(select(func.sum(UnitMonth.shares), func.sum(UnitMonth.clicks),
                                       func.sum(UnitMonth.skips))).one()
    assert tuple(totals) == (2, 5, 1)
    assert count(db_session, Click) == 0
    assert db_session.scalar(select(func.sum(PersonMonth.clicks))
                             .where(PersonMonth.user_id == person.id)) == 5


def test_a_late_row_in_a_pruned_month_does_not_recompute_it_from_what_is_left(db_session):
    person, share = busy_person()
    with time_machine.travel(T0 + timedelta(days=135), tick=False):
        run_retention(utcnow(), UTC)
        before = rollups(db_session)
        # a click buffered in Redis long ago and drained only now, dated in a pruned month
        f.click(share.token, meta("203.0.113.77"), secret="s", now=T0 + timedelta(hours=1),
                share_id=share.id)
        rollup_recent(utcnow(), UTC)
        assert rollups(db_session) == before


def test_nothing_younger_than_the_setting_and_nothing_in_an_open_month_is_pruned(db_session):
    share = f.share(f.user(), f.post(now=T0), now=T0)
    f.click(share.token, meta("203.0.113.1"), secret="s", now=T0)
    with time_machine.travel(T0 + timedelta(days=89), tick=False):
        assert run_retention(utcnow(), UTC).clicks_pruned == 0
    assert count(db_session, Click) == 1
    # a one-day setting never cuts into the month still being counted
    get_programme().retention_days = 1
    later = T0 + timedelta(days=200)
    f.click(share.token, meta("203.0.113.2"), secret="s",
                          now=later - timedelta(days=3))
    with time_machine.travel(later, tick=False):
        assert prune_limit(utcnow(), 1, UTC) == datetime(2026, 7, 1, tzinfo=UTC)
        assert run_retention(utcnow(), UTC).clicks_pruned == 1
    assert count(db_session, Click) == 1  # the one from this month stays
    assert pruned_before(db_session) == month_of(later, UTC)


def test_audit_entries_are_kept_for_the_set_time(db_session):
    audit.record(None, "topic.create", now=T0, target_type="topic", target_id=1)
    audit.record(None, "topic.create", now=T0 + timedelta(days=700), target_type="topic",
                 target_id=2)
    with time_machine.travel(T0 + timedelta(days=731), tick=False):
        assert run_retention(utcnow(), UTC).audit_pruned == 1
        assert run_retention(utcnow(), UTC).audit_pruned == 0
    kept = db_session.execute(select(AuditEntry.action, AuditEntry.target_id)
                              .order_by(AuditEntry.id)).all()
    assert kept == [("topic.create", 2), ("audit.prune", None)]  # the pruning is logged too


def test_ready_exports_expire(db_session):
    person = f.user()
    export = request_export(person, T0)
    build_export(export.id, T0)
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        assert run_retention(utcnow(), UTC).exports_expired == 1
    refreshed = db_session.get(DataExport, export.id)
    assert refreshed.status == ExportStatus.EXPIRED and refreshed.content is None


def test_personal_activity_page_shows_the_same_years_after_pruning(client, login, db_session):
    person, _share = busy_person()
    with time_machine.travel(T0 + timedelta(days=300), tick=False):
        login(person)  # inside the travel: a session from 300 days ago has expired
        rollup_recent(utcnow(), UTC)
        before = client.get("/activity").get_data(as_text=True)
        assert "Year by year" in before and ">not kept<" not in before
        assert run_retention(utcnow(), UTC).clicks_pruned == 6
        assert count(db_session, Click) == 0
        after = client.get("/activity").get_data(as_text=True)
    # the same shares and clicks; the visitors of pruned months are "not kept", not 0
    assert "<td>not kept</td>" in after
    years = personal_activity(person, UTC)
    assert (years[0].shares, years[0].clicks) == (2, 5)
