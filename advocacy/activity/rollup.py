"""The monthly rollups: raw events and clicks summed into person, unit and dimension months.

Idempotent (whole months recomputed from the raw record) and incremental (only the months
with new events or clicks). The rollup counts clicks straight from the clicks table,
attributing each to the share's event (which carries the sharer's unit then); after it the
corps-health tables are brought up to date (advocacy.activity.health_tables).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
)

from advocacy.activity import health_tables, partitions
from advocacy.activity.marks import state
from advocacy.activity.models import (
    COUNT_COLUMNS,
    KIND_COLUMNS,
    ActivityEvent,
    EventKind,
    PersonMonth,
    UnitDimMonth,
    UnitMonth,
)
from advocacy.activity.months import const, month_of, month_start
from advocacy.content.models import post_topics
from advocacy.db import UTCDateTime, utcnow
from advocacy.extensions import db
from advocacy.tracking.models import Click

EARLY_MINUTES = 24 * 60  # a share within a day of the post going live counts as "early"
SETTLE = timedelta(minutes=15)  # rows committed late (lower ids) land in this window


def _lock() -> None:
    """One rollup at a time (beat may overlap a slow run); SQLite serialises writers anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7020501)"))


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNT_COLUMNS, 0)


class _Month:
    """One month's person, unit and dimension rows while they are being summed."""

    def __init__(self, month: int) -> None:
        self.month = month
        self.people: dict[tuple[int, int], dict] = {}
        self.units: dict[tuple[int, bool], dict] = {}
        self.dims: dict[tuple[int, str, str], dict] = {}

    def person(self, user_id: int, unit_id: int) -> dict:
        row = self.people.get((user_id, unit_id))
        if row is None:
            row = self.people[(user_id, unit_id)] = {
                "month": self.month, "user_id": user_id, "unit_id": unit_id, "as_leader": False,
                "first_share_at": None, "last_share_at": None, **_zero(),
            }
        return row

    def unit(self, unit_id: int, leader: bool) -> dict:
        row = self.units.get((unit_id, leader))
        if row is None:
            row = self.units[(unit_id, leader)] = {
                "month": self.month, "unit_id": unit_id, "as_leader": leader, **_zero()
            }
        return row

    def dim(self, unit_id: int, kind: str, key: str) -> dict:
        row = self.dims.get((unit_id, kind, key))
        if row is None:
            row = self.dims[(unit_id, kind, key)] = {
                "month": self.month, "unit_id": unit_id, "dim": kind, "key": key,
                "shares": 0, "clicks": 0,
            }
        return row

    def rows(self) -> tuple[list[dict], list[dict], list[dict]]:
        return list(self.people.values()), list(self.units.values()), list(self.dims.values())


def _fixed_month(month: int, column):
    return const(month)


def _local_month(column, tz: ZoneInfo):
    """The month number of a timestamp in the organisation's time zone, in PostgreSQL."""
    # zoneinfo zones have .key; datetime.timezone.utc (used by tests and jobs) names itself
    name = getattr(tz, "key", None) or tz.tzname(None)
    local = func.timezone(name, column)
    return cast(func.extract("year", local) * 12 + func.extract("month", local) - 1, Integer)


RUN_MONTHS = 12  # PostgreSQL: months summed in one pass (memory stays bounded)


def _runs(months: list[int], longest: int) -> list[tuple[int, int]]:
    """Consecutive months as (first, last) pairs of at most `longest` months."""
    runs: list[tuple[int, int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1 and month - runs[-1][0] < longest:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _aggregate(months: Iterable[int], tz: ZoneInfo) -> Iterator[_Month]:
    """Sum raw events and clicks into person, unit and dimension rows, month by month.

    PostgreSQL reads each run of consecutive months in one pass per table, grouping by the
    month in the organisation's time zone (the clicks table has no index on time, so a
    pass per month would scan it once a month); other databases go a month at a time.
    """
    wanted = sorted(set(months))
    if not wanted:
        return
    pt = post_topics.c
    topics: dict[int, list[str]] = defaultdict(list)
    for post_id, topic_id in db.session.execute(select(pt.post_id, pt.topic_id)).tuples():
        topics[post_id].append(str(topic_id))
    bulk = db.session.get_bind().dialect.name == "postgresql"
    for first, last in _runs(wanted, RUN_MONTHS if bulk else 1):
        out = {month: _Month(month) for month in range(first, last + 1)}
        month_of_row = partial(_local_month, tz=tz) if bulk else partial(_fixed_month, first)
        _sum_span(out, month_start(first, tz), month_start(last + 1, tz), month_of_row, topics)
        yield from out.values()


def _sum_span(out: dict[int, _Month], start: datetime, end: datetime, month_of_row,
              topics: dict[int, list[str]]) -> None:
    E, C = ActivityEvent, Click
    events = select(
        month_of_row(E.occurred_at).label("month"), E.user_id,
        func.coalesce(E.unit_id, const(0)).label("unit"), E.as_leader, E.kind, E.value,
        E.occurred_at, E.network, E.post_id,
    ).where(E.occurred_at >= start, E.occurred_at < end).subquery()
    e = events.c
    share = e.kind == EventKind.SHARE
    timed = and_(share, e.value.is_not(None))
    counts = [
        func.sum(case((e.kind == kind, 1), else_=0)) for kind in KIND_COLUMNS
    ] + [
        func.sum(case((and_(timed, e.value < EARLY_MINUTES), 1), else_=0)),
        func.sum(case((timed, e.value), else_=0)),
        func.sum(case((timed, 1), else_=0)),
    ]
    names = [*KIND_COLUMNS.values(), "early_shares", "lag_minutes", "lag_count"]
    first = type_coerce(func.min(case((share, e.occurred_at))), UTCDateTime())
    last = type_coerce(func.max(case((share, e.occurred_at))), UTCDateTime())
    for month, user_id, unit_id, leader, first_at, last_at, *values in db.session.execute(
        select(e.month, e.user_id, e.unit, e.as_leader, first, last, *counts)
        .group_by(e.month, e.user_id, e.unit, e.as_leader)
    ).tuples():
        rows = out.get(month)
        if rows is None:
            continue
        targets = [rows.unit(unit_id, bool(leader))]
        if user_id is not None:
            p = rows.person(user_id, unit_id)
            p["as_leader"] = p["as_leader"] or bool(leader)
            if first_at is not None:
                p["first_share_at"] = min(filter(None, (p["first_share_at"], first_at)))
                p["last_share_at"] = max(filter(None, (p["last_share_at"], last_at)))
            targets.append(p)
        for target in targets:
            for name, value in zip(names, values, strict=True):
                target[name] += int(value or 0)
    for month, unit_id, network, post_id, n in db.session.execute(
        select(e.month, e.unit, e.network, e.post_id, func.count()).where(share)
        .group_by(e.month, e.unit, e.network, e.post_id)
    ).tuples():
        rows = out.get(month)
        if rows is None:
            continue
        rows.dim(unit_id, "network", network or "?")["shares"] += n
        for topic in topics.get(post_id, ()):
            rows.dim(unit_id, "topic", topic)["shares"] += n
    # Clicks count in the month they happened, for the share's person, unit and role then.
    clicks = select(
        month_of_row(C.created_at).label("month"), E.user_id,
        func.coalesce(E.unit_id, const(0)).label("unit"), E.as_leader, E.network, E.post_id,
    ).select_from(C).join(E, and_(E.kind == EventKind.SHARE, E.ref_id == C.share_id)).where(
        C.created_at >= start, C.created_at < end, C.is_bot.is_(False)
    ).subquery()
    c = clicks.c
    for month, user_id, unit_id, leader, network, post_id, n in db.session.execute(
        select(c.month, c.user_id, c.unit, c.as_leader, c.network, c.post_id, func.count())
        .group_by(c.month, c.user_id, c.unit, c.as_leader, c.network, c.post_id)
    ).tuples():
        rows = out.get(month)
        if rows is None:
            continue
        rows.unit(unit_id, bool(leader))["clicks"] += n
        if user_id is not None:
            rows.person(user_id, unit_id)["clicks"] += n
        rows.dim(unit_id, "network", network or "?")["clicks"] += n
        for topic in topics.get(post_id, ()):
            rows.dim(unit_id, "topic", topic)["clicks"] += n


ROLLUP_KEYS = {
    PersonMonth: ("user_id", "unit_id"),
    UnitMonth: ("unit_id", "as_leader"),
    UnitDimMonth: ("unit_id", "dim", "key"),
}


def _replace_month(model, month: int, rows: list[dict]) -> tuple[dict, dict, bool]:
    """Make the month's rows exactly `rows`, writing only those that differ (a rerun with
    nothing new writes nothing). Returns the rows before and after, by key, and whether
    anything changed."""
    table, keys = model.__table__, ROLLUP_KEYS[model]
    columns = [column.name for column in table.columns]
    before = {
        tuple(row[k] for k in keys): row
        for row in db.session.execute(select(table).where(table.c.month == month)).mappings()
    }
    after = {tuple(row[k] for k in keys): row for row in rows}
    gone = [k for k, row in before.items()
            if k not in after or any(row[c] != after[k][c] for c in columns)]
    fresh = [k for k, row in after.items()
             if k not in before or any(row[c] != before[k][c] for c in columns)]
    if gone:
        db.session.execute(
            delete(table).where(table.c.month == month,
                                *[table.c[k] == bindparam(f"k_{k}") for k in keys]),
            [{f"k_{k}": part for k, part in zip(keys, key, strict=True)} for key in gone],
        )
    if fresh:
        db.session.execute(insert(table), [after[k] for k in fresh])
    return before, after, bool(gone or fresh)


def rollup_months(months: Iterable[int], tz: ZoneInfo):
    """Recompute whole months from the raw record: running it twice changes nothing.

    Returns the months and people whose share rows changed, and the months whose network or
    topic rows changed (what the dashboard tables depend on).
    """
    changes = health_tables.Changes()
    for summed in _aggregate(months, tz):
        people, units, dims = summed.rows()
        before, after, _changed = _replace_month(PersonMonth, summed.month, people)
        health_tables.compare(summed.month, before, after, changes)
        if _replace_month(UnitMonth, summed.month, units)[2]:
            changes.unit_months.add(summed.month)
        if _replace_month(UnitDimMonth, summed.month, dims)[2]:
            changes.dim_months.add(summed.month)
    db.session.flush()
    return changes


def _new_months(model, column, last_id: int, max_id: int, tz: ZoneInfo) -> set[int]:
    if max_id <= last_id:
        return set()
    moments = db.session.scalars(
        select(column).where(model.id > last_id, model.id <= max_id).distinct()
    )
    return {month_of(moment, tz) for moment in moments}


def rollup_recent(now: datetime, tz: ZoneInfo) -> list[int]:
    """Roll up only the months that received new events or clicks since the last run."""
    _lock()
    partitions.ensure_ahead(db.session, now)  # PostgreSQL: next months' partitions exist
    event_mark, click_mark = state("event_id"), state("click_id")
    max_event = db.session.scalar(select(func.max(ActivityEvent.id))) or 0
    max_click = db.session.scalar(select(func.max(Click.id))) or 0
    months = _new_months(ActivityEvent, ActivityEvent.occurred_at, event_mark.value, max_event, tz)
    months |= _new_months(Click, Click.created_at, click_mark.value, max_click, tz)
    if months or max_event or max_click:
        months |= set(range(month_of(now - SETTLE, tz), month_of(now, tz) + 1))
    # Months the retention job pruned (activity/retention.py) keep their rollups as they are.
    months = {m for m in months if m >= state("pruned_before").value}
    changes = rollup_months(months, tz)
    event_mark.value, click_mark.value = max(max_event, event_mark.value), max(
        max_click, click_mark.value
    )
    health_tables.refresh(changes, now, tz)
    return sorted(months)


def rebuild(tz: ZoneInfo, now: datetime | None = None) -> list[int]:
    """Recompute every month the raw record still holds in full; older months are kept.

    The retention job deletes old raw rows and sets ``pruned_before`` (a month number): the
    rollups of those months are all that is left of them, so a rebuild must not touch them.
    The dashboard tables are then recomputed from all the rollups.
    """
    _lock()
    bounds = []
    for column in (ActivityEvent.occurred_at, Click.created_at):
        low, high = db.session.execute(select(func.min(column), func.max(column))).one()
        if low is not None:
            bounds.append((month_of(low, tz), month_of(high, tz)))
    max_event = db.session.scalar(select(func.max(ActivityEvent.id))) or 0
    max_click = db.session.scalar(select(func.max(Click.id))) or 0
    months: list[int] = []
    if bounds:
        first = max(min(b[0] for b in bounds), state("pruned_before").value)
        last = max(b[1] for b in bounds)
        for model in (PersonMonth, UnitMonth, UnitDimMonth):
            db.session.execute(delete(model).where(model.month >= first))
        months = list(range(first, last + 1))
        rollup_months(months, tz)
    state("event_id").value, state("click_id").value = max_event, max_click
    health_tables.refresh(None, now or utcnow(), tz)
    return months
