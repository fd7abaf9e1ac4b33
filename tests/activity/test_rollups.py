"""Rollups equal the aggregates computed straight from the raw record, whatever happens."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from advocacy.accounts.models import Role, Unit, User
from advocacy.activity import health_tables
from advocacy.activity.models import (
    KIND_COLUMNS,
    ActivityEvent,
    Cohort,
    EnrolmentChange,
    EventKind,
    PersonMonth,
    PersonState,
    RollupState,
    ScopeActivity,
    ScopeDim,
    ScopePeriod,
    UnitDimMonth,
    UnitMonth,
)
from advocacy.activity.months import month_key, month_of, month_start, parse_month
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import EARLY_MINUTES, rebuild, rollup_recent
from advocacy.activity.unit_history import move_to_unit, unit_at, unit_history
from advocacy.content.models import post_topics
from advocacy.sharing.service import share as make_share
from advocacy.tracking.models import Click
from tests import factories as f

TZ = ZoneInfo("Europe/Oslo")
START = datetime(2024, 12, 20, tzinfo=UTC)  # crosses a year boundary early on
FIRST_NOW = START + timedelta(days=420)  # the moment of the first rollup; "tick" moves it
ACTIVITY = ("shares", "clicks", "applications", "early_shares", "lag_minutes", "lag_count")
OTHER_KINDS = [k for k in KIND_COLUMNS if k != EventKind.SHARE]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(OTHER_KINDS), st.integers(0, 3),
                  st.integers(0, 24 * 500)),
        st.tuples(st.just("share"), st.integers(0, 3), st.integers(0, 24 * 500),
                  st.sampled_from(["linkedin", "x"])),
        st.tuples(st.just("click"), st.integers(0, 40), st.integers(0, 24 * 500),
                  st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 2),
                  st.integers(0, 24 * 500)),
        st.tuples(st.just("anonymous"), st.integers(0, 24 * 500)),
        st.tuples(st.just("join"), st.integers(0, 3), st.integers(-24 * 60, 24 * 500)),
        st.tuples(st.just("active"), st.integers(0, 3)),
        st.just(("promote",)),
        st.just(("tree",)),
        st.tuples(st.just("rollup"), st.integers(0, 45)),
    ),
    max_size=40,
)


def expected():
    """Person, unit and dimension totals computed from raw events and clicks in Python."""
    people: dict = defaultdict(Counter)
    units: dict = defaultdict(Counter)
    dims: dict = defaultdict(Counter)
    from advocacy.extensions import db

    topics = defaultdict(set)
    for post_id, topic_id in db.session.execute(select(post_topics.c.post_id,
                                                       post_topics.c.topic_id)):
        topics[post_id].add(topic_id)
    share_events = {}
    for e in db.session.scalars(select(ActivityEvent)):
        month = month_of(e.occurred_at, TZ)
        unit = e.unit_id or 0
        column = KIND_COLUMNS[e.kind]
        keys = [units[(month, unit, e.as_leader)]]
        if e.user_id is not None:
            keys.append(people[(month, e.user_id, unit)])
        for counter in keys:
            counter[column] += 1
            if e.kind == EventKind.SHARE and e.value is not None:
                counter["lag_minutes"] += e.value
                counter["lag_count"] += 1
                counter["early_shares"] += e.value < EARLY_MINUTES
        if e.kind == EventKind.SHARE:
            share_events[e.ref_id] = e
            dims[(month, unit, "network", e.network)]["shares"] += 1
            for t in topics[e.post_id]:
                dims[(month, unit, "topic", str(t))]["shares"] += 1
    for c in db.session.scalars(select(Click).where(Click.is_bot.is_(False))):
        e = share_events[c.share_id]
        month = month_of(c.created_at, TZ)
        unit = e.unit_id or 0
        units[(month, unit, e.as_leader)]["clicks"] += 1
        if e.user_id is not None:
            people[(month, e.user_id, unit)]["clicks"] += 1
        dims[(month, unit, "network", e.network)]["clicks"] += 1
        for t in topics[e.post_id]:
            dims[(month, unit, "topic", str(t))]["clicks"] += 1
    return (
        {k: +v for k, v in people.items()},
        {k: +v for k, v in units.items()},
        {k: +v for k, v in dims.items()},
    )


def actual():
    from advocacy.extensions import db

    def counts(row, names):
        return +Counter({n: getattr(row, n) for n in names})

    cols = (*KIND_COLUMNS.values(), "clicks", "early_shares", "lag_minutes", "lag_count")
    people = {(r.month, r.user_id, r.unit_id): counts(r, cols)
              for r in db.session.scalars(select(PersonMonth))}
    units = {(r.month, r.unit_id, r.as_leader): counts(r, cols)
             for r in db.session.scalars(select(UnitMonth))}
    dims = {(r.month, r.unit_id, r.dim, r.key): counts(r, ("shares", "clicks"))
            for r in db.session.scalars(select(UnitDimMonth))}
    return people, units, dims


def assert_rollups_match():
    assert actual() == expected()


# --- the dashboard tables, computed straight from the raw record and the people ----------

def expected_dashboards(now: datetime):
    """What the dashboard tables must hold, from raw events, people, roles and unit history."""
    from advocacy.extensions import db

    current = month_of(now, TZ)
    share_months: dict[int, set[int]] = defaultdict(set)
    last_share: dict[int, datetime] = {}
    leader_rows: set[tuple[int, int, int]] = set()  # (month, user, unit) with a leader act
    shares: dict[tuple[int, int, int], int] = Counter()  # (month, user, unit) -> shares
    for e in db.session.scalars(select(ActivityEvent).where(ActivityEvent.user_id.is_not(None))):
        month, unit = month_of(e.occurred_at, TZ), e.unit_id or 0
        if e.as_leader:
            leader_rows.add((month, e.user_id, unit))
        if e.kind == EventKind.SHARE:
            share_months[e.user_id].add(month)
            last_share[e.user_id] = max(last_share.get(e.user_id, e.occurred_at), e.occurred_at)
            shares[(month, e.user_id, unit)] += 1

    history = unit_history()
    joined_at = dict(db.session.execute(
        select(User.id, func.min(Role.created_at)).join(Role, Role.user_id == User.id)
        .where(Role.name == "ambassador", User.active.is_(True)).group_by(User.id)
    ).tuples().all())
    units_now = dict(db.session.execute(select(User.id, User.unit_id)).tuples().all())
    quiet_from = current - health_tables.STOPPED_QUIET + 1
    people = {}
    for user_id, joined in joined_at.items():
        j = month_of(joined, TZ)
        months = share_months.get(user_id, set())
        retained = sum(1 << i for i, k in enumerate(health_tables.RETENTION_AFTER)
                       if months & set(range(j + k - 2, j + k + 1)))
        regular = len([m for m in months if quiet_from - 12 <= m < quiet_from])
        quiet = not [m for m in months if m >= quiet_from]
        people[user_id] = (
            units_now[user_id] or 0, j, unit_at(history[user_id], joined) or 0,
            retained, last_share.get(user_id), max(months) if months else None, regular, quiet,
            quiet and regular >= 6,
        )

    # enrolment: who counted where at the end of each month (or now), then the differences
    enrolment = Counter()
    first = min((month_of(t, TZ) for t in joined_at.values()), default=current + 1)
    before = Counter()
    for month in range(first, current + 1):
        end = min(month_start(month + 1, TZ) - timedelta(microseconds=1), now)
        state = Counter(unit_at(history[u], end) or 0
                        for u, joined in joined_at.items() if joined <= end)
        for unit in state.keys() | before.keys():
            if state[unit] != before[unit]:
                enrolment[(month, unit)] = state[unit] - before[unit]
        before = state

    # scopes: a unit with everything above it in today's tree, and the organisation (0)
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).tuples().all())

    def scopes(unit):
        chain = [0]
        while unit in parents and unit not in chain:
            chain.append(unit)
            unit = parents[unit]
        return chain

    cohorts = Counter()
    for _unit, j, unit_then, retained, *_rest in people.values():
        for scope in scopes(unit_then):
            cohorts[(scope, j, 0)] += 1
            for i, k in enumerate(health_tables.RETENTION_AFTER):
                if retained >> i & 1:
                    cohorts[(scope, j, k)] += 1

    per: dict[tuple, dict[int, list]] = defaultdict(dict)
    for (month, user_id, unit), n in shares.items():
        for size in health_tables.SIZES:
            for scope in scopes(unit):
                entry = per[(scope, size, month // size)].setdefault(user_id, [0, False])
                entry[0] += n
                entry[1] = entry[1] or (month, user_id, unit) in leader_rows
    periods = {}
    for key, entries in per.items():
        values = sorted((v[0] for v in entries.values()), reverse=True)
        periods[key] = (len(values), sum(1 for v in entries.values() if v[1]), sum(values),
                        sum(values[:-(-len(values) // 10)]))
    dims: dict[tuple, Counter] = defaultdict(Counter)
    for (month, unit, dim, key), counts in expected()[2].items():
        for size in health_tables.SIZES:
            for scope in scopes(unit):
                dims[(scope, size, month // size, dim, key)].update(counts)
    dims = {k: (v["shares"], v["clicks"]) for k, v in dims.items()}
    activity: dict[tuple, Counter] = defaultdict(Counter)
    for (month, unit, leader), counts in expected()[1].items():
        for size in health_tables.SIZES:
            for scope in scopes(unit):
                activity[(scope, size, month // size, leader)].update(counts)
    activity = {k: tuple(v[c] for c in ACTIVITY) for k, v in activity.items()}
    return (people, dict(cohorts), {k: v for k, v in enrolment.items() if v}, periods, dims,
            activity)


def actual_dashboards():
    from advocacy.extensions import db

    people = {r.user_id: (r.unit_id, r.joined_month, r.joined_unit_id, r.retained,
                          r.last_share_at, r.last_share_month, r.regular_months, r.quiet,
                          r.stopped)
              for r in db.session.scalars(select(PersonState))}
    cohorts = {(r.scope_id, r.joined_month, r.after): r.people
               for r in db.session.scalars(select(Cohort))}
    enrolment = {(r.month, r.unit_id): r.delta for r in db.session.scalars(select(EnrolmentChange))}
    periods = {(r.scope_id, r.size, r.period): (r.active, r.leaders, r.shares, r.top_shares)
               for r in db.session.scalars(select(ScopePeriod))}
    dims = {(r.scope_id, r.size, r.period, r.dim, r.key): (r.shares, r.clicks)
            for r in db.session.scalars(select(ScopeDim))}
    activity = {(r.scope_id, r.size, r.period, r.as_leader): tuple(getattr(r, c)
                                                                   for c in ACTIVITY)
                for r in db.session.scalars(select(ScopeActivity))}
    return people, cohorts, enrolment, periods, dims, activity


def assert_dashboards_match(now: datetime):
    got, wanted = actual_dashboards(), expected_dashboards(now)
    names = ("people", "cohorts", "enrolment", "scope periods", "scope dimensions",
             "scope activity")
    for name, a, b in zip(names, got, wanted, strict=True):
        assert a == b, name


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=ops)
def test_rollups_equal_raw_aggregates(db_session, stream):
    nested = db_session.begin_nested()
    try:
        _run(db_session, stream)
    finally:
        nested.rollback()


def _run(db_session, stream):
    units = [f.unit(), f.unit(), None]
    people = [f.user(unit=units[0]), f.user(unit=units[0]), f.user(unit=units[1]),
              f.user("ambassador", "leader", unit=units[1])]
    for i, person in enumerate(people):  # they joined before the record starts
        person.created_at = START - timedelta(days=30 + i)
        for role in person.roles:
            role.created_at = person.created_at
    topic = f.topic()
    posts = [f.post(topics=(topic,), now=START - timedelta(days=1)),
             f.post(now=START - timedelta(days=1))]
    shares = []
    now = FIRST_NOW
    moved_at = START  # moves happen one after the other, as in real life
    for op in stream:
        if op[0] == "event":
            _, kind, who, hours = op
            record_event(kind, user=people[who], now=START + timedelta(hours=hours),
                         post_id=posts[0].id)
        elif op[0] == "share":
            _, who, hours, network = op
            shares.append(make_share(people[who], posts[hours % 2], network, "my words",
                                     START + timedelta(hours=hours)))
        elif op[0] == "click" and shares:
            _, which, hours, bot = op
            db_session.add(Click(share_id=shares[which % len(shares)].id,
                                 created_at=START + timedelta(hours=hours),
                                 visitor_hash="x" * 64, is_bot=bot))
            db_session.flush()
        elif op[0] == "move":
            _, who, where, hours = op
            unit = units[where]
            moved_at = max(moved_at, START + timedelta(hours=hours))
            move_to_unit(people[who], unit.id if unit else None, moved_at)
        elif op[0] == "anonymous":
            record_event(EventKind.APPLICATION, user=None,
                         now=START + timedelta(hours=op[1]))
        elif op[0] == "join":  # (re)joined the programme at another moment
            _, who, hours = op
            for role in people[who].roles:
                if role.name == "ambassador":
                    role.created_at = START + timedelta(hours=hours)
            db_session.flush()
        elif op[0] == "active":  # left the organisation, or came back
            people[op[1]].active = not people[op[1]].active
            db_session.flush()
        elif op[0] == "promote" and not people[0].has_role("leader"):
            people[0].roles.append(Role(name="leader", unit_id=units[0].id))
            db_session.flush()
        elif op[0] == "tree":  # the second unit moves under the first one, or back
            units[1].parent_id = None if units[1].parent_id else units[0].id
            db_session.flush()
        elif op[0] == "rollup":
            now += timedelta(days=op[1])
            rollup_recent(now, TZ)
    rollup_recent(now, TZ)
    assert_rollups_match()
    assert_dashboards_match(now)
    rollup_recent(now, TZ)  # a re-run changes nothing
    assert_rollups_match()
    assert_dashboards_match(now)
    rebuild(TZ, now=now)
    assert_rollups_match()
    assert_dashboards_match(now)
    for model in (PersonMonth, UnitMonth, UnitDimMonth):
        db_session.execute(delete(model))
    rebuild(TZ, now=now)  # from nothing
    assert_rollups_match()
    assert_dashboards_match(now)
    # as after the migration that added them: empty tables, never built
    for model in (PersonState, Cohort, EnrolmentChange, ScopePeriod, ScopeDim, ScopeActivity):
        db_session.execute(delete(model))
    db_session.execute(delete(RollupState).where(RollupState.name == "dashboards"))
    rollup_recent(now, TZ)
    assert_dashboards_match(now)


def test_incremental_run_touches_only_months_with_new_activity(db_session):
    person = f.user(unit=f.unit())
    item = f.post(now=datetime(2025, 1, 1, tzinfo=UTC))
    make_share(person, item, "linkedin", "a", datetime(2025, 3, 10, tzinfo=UTC))
    now = datetime(2025, 9, 15, tzinfo=UTC)
    first = rollup_recent(now, TZ)
    assert parse_month("2025-03") in first
    march = db_session.scalar(select(PersonMonth).where(PersonMonth.user_id == person.id))
    assert march.shares == 1
    record_event(EventKind.SKIP, user=person, now=datetime(2025, 5, 2, tzinfo=UTC))
    second = rollup_recent(now, TZ)
    # May (new event) and the current month (late commits settle there), not March again
    assert second == [parse_month("2025-05"), parse_month("2025-09")]
    assert rollup_recent(now, TZ) == [parse_month("2025-09")]


def test_moving_a_person_keeps_old_history_with_the_old_unit(db_session):
    old, new = f.unit("Old ward"), f.unit("New ward")
    person = f.user(unit=old)
    item = f.post(now=datetime(2025, 1, 1, tzinfo=UTC))
    make_share(person, item, "linkedin", "a", datetime(2025, 3, 10, tzinfo=UTC))
    move_to_unit(person, new.id, datetime(2025, 6, 1, tzinfo=UTC))
    make_share(person, f.post(now=datetime(2025, 1, 1, tzinfo=UTC)), "x", "b",
               datetime(2025, 9, 10, tzinfo=UTC))
    rebuild(TZ)
    rows = {(month_key(r.month), r.unit_id, r.shares)
            for r in db_session.scalars(
                select(PersonMonth).where(PersonMonth.user_id == person.id))}
    assert rows == {("2025-03", old.id, 1), ("2025-09", new.id, 1)}
    by_unit = {(r.unit_id, month_key(r.month)): r.shares
               for r in db_session.scalars(select(UnitMonth))}
    assert by_unit == {(old.id, "2025-03"): 1, (new.id, "2025-09"): 1}
    history = unit_history()[person.id]
    assert unit_at(history, datetime(2025, 4, 1, tzinfo=UTC)) == old.id
    assert unit_at(history, datetime(2025, 7, 1, tzinfo=UTC)) == new.id
