"""Property: whatever retention runs (any setting, any time) and erasures happen in between,
the anonymous unit rollups, and the monthly rows of people still taking part, end up exactly
as in the same history with no pruning and no erasure at all."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from advocacy.activity.models import EventKind, PersonMonth, UnitDimMonth, UnitMonth
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild, rollup_recent
from advocacy.extensions import db
from advocacy.privacy.erasure import erase_person
from advocacy.privacy.retention import run_retention
from advocacy.programme.service import get_programme
from advocacy.tracking.models import Click
from tests import factories as f

START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
PEOPLE = 3

ops = st.lists(st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 24 * 45)),
    st.tuples(st.just("share"), st.integers(0, PEOPLE - 1), st.sampled_from(["linkedin", "x"])),
    st.tuples(st.just("click"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("skip"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("rollup")),
    st.tuples(st.just("retention"), st.integers(1, 120)),
    st.tuples(st.just("erase"), st.integers(0, PEOPLE - 1)),
), max_size=40)


def play(session, stream, *, prune: bool):
    """The same history; with prune=False, retention and erasure steps do nothing."""
    units = [f.unit(), f.unit()]
    people = [f.user(unit=units[0]), f.user(unit=units[1]),
              f.user("ambassador", "leader", unit=units[1])]
    topic = f.topic()
    post = f.post(topics=(topic,), now=START - timedelta(days=1))
    gone: set[int] = set()
    shares = []
    clock = START
    for op in stream:
        if op[0] == "advance":
            clock += timedelta(hours=op[1])
        elif op[0] == "share" and op[1] not in gone:
            shares.append((op[1], f.share(people[op[1]], post, op[2], "words", now=clock)))
        elif op[0] == "click" and shares:
            share_id = shares[op[1] % len(shares)][1].id
            session.add(Click(share_id=share_id, created_at=clock, visitor_hash="v" * 64,
                              is_bot=op[2]))
            session.flush()
        elif op[0] == "skip" and op[1] not in gone:
            record_event(EventKind.SKIP, user=people[op[1]], now=clock, post_id=post.id)
        elif op[0] == "rollup":
            rollup_recent(clock, UTC)
        elif op[0] == "retention" and prune:
            get_programme().retention_days = op[1]
            run_retention(clock, UTC)
        elif op[0] == "erase" and op[1] not in gone:
            gone.add(op[1])
            if prune:
                erase_person(people[op[1]], reason="test", actor_id=None, now=clock)
    rollup_recent(clock, UTC)
    rebuild(UTC)
    return snapshot(session, units, people, topic, gone)


def snapshot(session, units, people, topic, gone):
    """Rollup rows with ids replaced by positions, so two separate histories compare."""
    unit_no = {u.id: n for n, u in enumerate(units)}
    person_no = {p.id: n for n, p in enumerate(people) if n not in gone}
    columns = [c.key for c in UnitMonth.__table__.columns
               if c.key not in {"month", "unit_id", "as_leader"}]
    unit_rows = sorted(
        (r.month, unit_no[r.unit_id], r.as_leader, *(getattr(r, c) for c in columns))
        for r in session.scalars(select(UnitMonth))
    )
    dim_rows = sorted(
        (r.month, unit_no[r.unit_id], r.dim, "topic" if r.key == str(topic.id) else r.key,
         r.shares, r.clicks)
        for r in session.scalars(select(UnitDimMonth))
    )
    person_rows = sorted(
        (r.month, person_no[r.user_id], unit_no[r.unit_id], r.shares, r.clicks, r.skips)
        for r in session.scalars(select(PersonMonth)) if r.user_id in person_no
    )
    erased_rows = [r for r in session.scalars(select(PersonMonth))
                   if r.user_id in {p.id for n, p in enumerate(people) if n in gone}]
    return unit_rows, dim_rows, person_rows, erased_rows


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=ops)
def test_pruning_and_erasure_never_change_the_totals(db_session, stream):
    control = db_session.begin_nested()
    try:
        expected = play(db_session, stream, prune=False)
    finally:
        control.rollback()
    treated = db_session.begin_nested()
    try:
        actual = play(db_session, stream, prune=True)
    finally:
        treated.rollback()
        db.session.expire_all()
    units, dims, persons, erased = actual
    assert erased == []  # nothing of an erased person is rolled up again
    assert (units, dims, persons) == expected[:3]
