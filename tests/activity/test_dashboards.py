"""The dashboard tables the rollup keeps for the corps-health page, on hand-made cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advocacy.accounts.models import Role
from advocacy.activity import health_tables
from advocacy.activity.models import EnrolmentChange, EventKind, PersonState, ScopePeriod
from advocacy.activity.months import month_key, parse_month
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild, rollup_months, rollup_recent
from advocacy.activity.unit_history import move_to_unit
from tests import factories as f
from tests.activity.test_rollups import assert_dashboards_match

TZ = ZoneInfo("Europe/Oslo")
M = parse_month


def joined(person, when: datetime):
    person.created_at = when
    for role in person.roles:
        role.created_at = when
    return person


def share(person, when: datetime):
    record_event(EventKind.SHARE, user=person, now=when, network="linkedin")


def enrolment(db_session) -> dict:
    return {(month_key(r.month), r.unit_id): r.delta
            for r in db_session.scalars(select(EnrolmentChange))}


def scope(db_session, scope_id: int, size: int) -> dict:
    return {r.period: (r.active, r.leaders, r.shares, r.top_shares)
            for r in db_session.scalars(select(ScopePeriod).where(
                ScopePeriod.scope_id == scope_id, ScopePeriod.size == size))}


def test_enrolment_follows_joins_and_moves_at_the_end_of_each_month(db_session):
    a, b, c = f.unit("A"), f.unit("B"), f.unit("C")
    mover = joined(f.user(unit=a), datetime(2025, 1, 10, tzinfo=UTC))
    hopper = joined(f.user(unit=a), datetime(2025, 1, 12, tzinfo=UTC))
    joined(f.user(unit=b), datetime(2025, 2, 3, tzinfo=UTC))
    joined(f.user(unit=c), datetime(2025, 6, 1, 12, tzinfo=UTC))  # joins after now
    move_to_unit(mover, b.id, datetime(2025, 3, 15, tzinfo=UTC))
    # two moves in one month: only where they are at its end counts
    move_to_unit(hopper, b.id, datetime(2025, 4, 2, tzinfo=UTC))
    move_to_unit(hopper, c.id, datetime(2025, 4, 20, tzinfo=UTC))
    now = datetime(2025, 6, 1, tzinfo=UTC)
    rebuild(TZ, now=now)
    assert enrolment(db_session) == {
        ("2025-01", a.id): 2, ("2025-02", b.id): 1,
        ("2025-03", a.id): -1, ("2025-03", b.id): 1,
        ("2025-04", a.id): -1, ("2025-04", c.id): 1,
    }
    assert_dashboards_match(now)
    # a move after now does not count yet; the run after it does
    move_to_unit(mover, a.id, datetime(2025, 7, 5, tzinfo=UTC))
    rollup_recent(now, TZ)
    assert ("2025-07", a.id) not in enrolment(db_session)
    later = datetime(2025, 7, 20, tzinfo=UTC)
    rollup_recent(later, TZ)
    assert enrolment(db_session)[("2025-07", a.id)] == 1
    assert_dashboards_match(later)


def test_a_changed_unit_tree_recomputes_every_scope(db_session):
    top, ward = f.unit("Top"), f.unit("Ward")
    people = [joined(f.user(unit=ward), datetime(2025, 1, 1, tzinfo=UTC)) for _ in range(3)]
    for i, person in enumerate(people):
        share(person, datetime(2025, 2, 1 + i, tzinfo=UTC))
    now = datetime(2025, 6, 1, tzinfo=UTC)
    rollup_recent(now, TZ)
    february = M("2025-02")
    assert scope(db_session, top.id, 1) == {}
    assert scope(db_session, ward.id, 1)[february] == (3, 0, 3, 1)
    ward.parent_id = top.id  # no new activity, only the tree changed
    db_session.flush()
    rollup_recent(now, TZ)
    assert scope(db_session, top.id, 1)[february] == (3, 0, 3, 1)
    assert scope(db_session, top.id, 12)[2025] == (3, 0, 3, 1)
    assert_dashboards_match(now)


def test_a_new_month_redoes_who_stopped_without_new_activity(db_session):
    person = joined(f.user(unit=f.unit()), datetime(2024, 12, 1, tzinfo=UTC))
    for month in range(1, 9):  # January … August 2025
        share(person, datetime(2025, month, 10, tzinfo=UTC))
    rollup_recent(datetime(2025, 9, 15, tzinfo=UTC), TZ)
    state = db_session.get(PersonState, person.id)
    # as of September: July–September is the quiet window (not quiet), six months before it
    assert (state.regular_months, state.quiet) == (6, False)
    later = datetime(2025, 11, 15, tzinfo=UTC)
    rollup_recent(later, TZ)
    db_session.refresh(state)
    # as of November: September–November silent, January–August before it
    assert (state.regular_months, state.quiet, state.last_share_month) == (8, True, M("2025-08"))
    assert_dashboards_match(later)


def test_someone_who_became_a_leader_counts_as_a_leader_who_shared(db_session):
    unit = f.unit()
    person = joined(f.user(unit=unit), datetime(2024, 12, 1, tzinfo=UTC))
    share(person, datetime(2025, 1, 10, tzinfo=UTC))
    person.roles.append(Role(name="leader", unit_id=unit.id))
    db_session.flush()
    share(person, datetime(2025, 6, 10, tzinfo=UTC))
    now = datetime(2025, 9, 1, tzinfo=UTC)
    rollup_recent(now, TZ)
    year = scope(db_session, health_tables.ORGANISATION, 12)[2025]
    assert year == (1, 1, 2, 2)
    assert scope(db_session, health_tables.ORGANISATION, 1)[M("2025-01")][1] == 0
    assert_dashboards_match(now)


def test_only_changed_share_rows_count_as_changes(db_session):
    person = joined(f.user(unit=f.unit()), datetime(2024, 12, 1, tzinfo=UTC))
    share(person, datetime(2025, 3, 10, tzinfo=UTC))
    march = M("2025-03")
    first = rollup_months([march], TZ)
    assert (first.months, first.users) == ({march}, {person.id})
    record_event(EventKind.SKIP, user=person, now=datetime(2025, 3, 11, tzinfo=UTC))
    again = rollup_months([march], TZ)  # a skip changes no share figure
    assert (again.months, again.users) == (set(), set())
    share(person, datetime(2025, 3, 12, tzinfo=UTC))
    assert rollup_months([march], TZ).users == {person.id}


def test_first_run_after_the_upgrade_builds_everything(db_session):
    person = joined(f.user(unit=f.unit()), datetime(2025, 1, 1, tzinfo=UTC))
    share(person, datetime(2025, 2, 1, tzinfo=UTC))
    now = datetime(2025, 4, 1, tzinfo=UTC)
    rollup_months([M("2025-02")], TZ)  # monthly rows exist, dashboards were never built
    assert db_session.get(PersonState, person.id) is None
    rollup_recent(now + timedelta(minutes=1), TZ)
    assert db_session.get(PersonState, person.id).retained == 1  # shared in months 1–3
    assert_dashboards_match(now)
