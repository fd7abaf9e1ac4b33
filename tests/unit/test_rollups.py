"""Rollups equal the aggregates computed straight from the raw record, whatever happens."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from advocacy.activity import service
from advocacy.activity.models import (
    KIND_COLUMNS,
    ActivityEvent,
    EventKind,
    PersonMonth,
    UnitDimMonth,
    UnitMonth,
)
from advocacy.content.models import post_topics
from advocacy.sharing.service import share as make_share
from advocacy.tracking.models import Click
from tests import factories as f

TZ = ZoneInfo("Europe/Oslo")
START = datetime(2024, 12, 20, tzinfo=UTC)  # crosses a year boundary early on
OTHER_KINDS = [k for k in KIND_COLUMNS if k != EventKind.SHARE]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(OTHER_KINDS), st.integers(0, 3),
                  st.integers(0, 24 * 500)),
        st.tuples(st.just("share"), st.integers(0, 3), st.integers(0, 24 * 500),
                  st.sampled_from(["linkedin", "x"])),
        st.tuples(st.just("click"), st.integers(0, 40), st.integers(0, 24 * 500),
                  st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 2)),
        st.tuples(st.just("anonymous"), st.integers(0, 24 * 500)),
        st.just(("rollup",)),
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
        month = service.month_of(e.occurred_at, TZ)
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
                counter["early_shares"] += e.value < service.EARLY_MINUTES
        if e.kind == EventKind.SHARE:
            share_events[e.ref_id] = e
            dims[(month, unit, "network", e.network)]["shares"] += 1
            for t in topics[e.post_id]:
                dims[(month, unit, "topic", str(t))]["shares"] += 1
    for c in db.session.scalars(select(Click).where(Click.is_bot.is_(False))):
        e = share_events[c.share_id]
        month = service.month_of(c.created_at, TZ)
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
    topic = f.topic()
    posts = [f.post(topics=(topic,), now=START - timedelta(days=1)),
             f.post(now=START - timedelta(days=1))]
    shares = []
    for op in stream:
        if op[0] == "event":
            _, kind, who, hours = op
            service.record_event(kind, user=people[who], now=START + timedelta(hours=hours),
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
            _, who, where = op
            unit = units[where]
            service.move_to_unit(people[who], unit.id if unit else None,
                                 START + timedelta(days=500))
        elif op[0] == "anonymous":
            service.record_event(EventKind.APPLICATION, user=None,
                                 now=START + timedelta(hours=op[1]))
        elif op[0] == "rollup":
            service.rollup_recent(datetime.now(UTC), TZ)
    service.rollup_recent(datetime.now(UTC), TZ)
    assert_rollups_match()
    service.rollup_recent(datetime.now(UTC), TZ)  # a re-run changes nothing
    assert_rollups_match()
    service.rebuild(TZ)
    assert_rollups_match()
    for model in (PersonMonth, UnitMonth, UnitDimMonth):
        db_session.execute(delete(model))
    service.rebuild(TZ)  # from nothing
    assert_rollups_match()


def test_incremental_run_touches_only_months_with_new_activity(db_session):
    person = f.user(unit=f.unit())
    item = f.post(now=datetime(2025, 1, 1, tzinfo=UTC))
    make_share(person, item, "linkedin", "a", datetime(2025, 3, 10, tzinfo=UTC))
    now = datetime(2025, 9, 15, tzinfo=UTC)
    first = service.rollup_recent(now, TZ)
    assert service.parse_month("2025-03") in first
    march = db_session.scalar(select(PersonMonth).where(PersonMonth.user_id == person.id))
    assert march.shares == 1
    service.record_event(EventKind.SKIP, user=person, now=datetime(2025, 5, 2, tzinfo=UTC))
    second = service.rollup_recent(now, TZ)
    # May (new event) and the current month (late commits settle there), not March again
    assert second == [service.parse_month("2025-05"), service.parse_month("2025-09")]
    assert service.rollup_recent(now, TZ) == [service.parse_month("2025-09")]


def test_moving_a_person_keeps_old_history_with_the_old_unit(db_session):
    old, new = f.unit("Old ward"), f.unit("New ward")
    person = f.user(unit=old)
    item = f.post(now=datetime(2025, 1, 1, tzinfo=UTC))
    make_share(person, item, "linkedin", "a", datetime(2025, 3, 10, tzinfo=UTC))
    service.move_to_unit(person, new.id, datetime(2025, 6, 1, tzinfo=UTC))
    make_share(person, f.post(now=datetime(2025, 1, 1, tzinfo=UTC)), "x", "b",
               datetime(2025, 9, 10, tzinfo=UTC))
    service.rebuild(TZ)
    rows = {(service.month_key(r.month), r.unit_id, r.shares)
            for r in db_session.scalars(
                select(PersonMonth).where(PersonMonth.user_id == person.id))}
    assert rows == {("2025-03", old.id, 1), ("2025-09", new.id, 1)}
    by_unit = {(r.unit_id, service.month_key(r.month)): r.shares
               for r in db_session.scalars(select(UnitMonth))}
    assert by_unit == {(old.id, "2025-03"): 1, (new.id, "2025-09"): 1}
    history = service.unit_history()[person.id]
    assert service.unit_at(history, datetime(2025, 4, 1, tzinfo=UTC)) == old.id
    assert service.unit_at(history, datetime(2025, 7, 1, tzinfo=UTC)) == new.id
