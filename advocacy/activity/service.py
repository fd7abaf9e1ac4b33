"""The activity record and its monthly rollups, unit history, and a person's own activity.

Recording is one INSERT next to the act. Clicks are *not* copied into the record: the public
redirect stays one look-up and one insert, and the rollup counts clicks straight from the
clicks table, attributing each to the share's event (which carries the sharer's unit then).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
    literal,
    select,
    text,
    type_coerce,
)

from advocacy.accounts.models import User
from advocacy.activity.models import (
    COUNT_COLUMNS,
    KIND_COLUMNS,
    ActivityEvent,
    EventKind,
    PersonMonth,
    RollupState,
    UnitDimMonth,
    UnitMembership,
    UnitMonth,
)
from advocacy.content.models import Post, post_topics
from advocacy.db import UTCDateTime, utcnow
from advocacy.extensions import db
from advocacy.tracking.models import Click, Share

EARLY_MINUTES = 24 * 60  # a share within a day of the post going live counts as "early"
SETTLE = timedelta(minutes=15)  # rows committed late (lower ids) land in this window


def const(value: int):
    """An integer written into the SQL itself, so that PostgreSQL sees the same expression
    in SELECT and GROUP BY (two bind parameters would be two different expressions)."""
    return literal(value, Integer, literal_execute=True)


# --- months as integers -------------------------------------------------------------------

def month_of(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.year * 12 + local.month - 1


def month_start(month: int, tz: ZoneInfo) -> datetime:
    """The first instant of a month in the organisation's time zone, as UTC."""
    return datetime(month // 12, month % 12 + 1, 1, tzinfo=tz).astimezone(UTC)


def month_key(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def parse_month(key: str) -> int:
    year, month = (int(part) for part in key.split("-"))
    if not 1 <= month <= 12:
        raise ValueError(key)
    return year * 12 + month - 1


# --- recording ----------------------------------------------------------------------------

def record_event(
    kind: str,
    *,
    user: User | None,
    now: datetime,
    post_id: int | None = None,
    ref_id: int | None = None,
    network: str | None = None,
    value: int | None = None,
) -> ActivityEvent:
    """Append one act to the record, with the unit and role the person has right now."""
    if kind not in KIND_COLUMNS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = ActivityEvent(
        kind=kind,
        occurred_at=now,
        user_id=user.id if user else None,
        unit_id=user.unit_id if user else None,
        as_leader=bool(user and user.has_role("leader")),
        post_id=post_id,
        ref_id=ref_id,
        network=network,
        value=value,
    )
    db.session.add(event)
    db.session.flush()
    return event


def minutes_since_live(post: Post, now: datetime) -> int | None:
    went_live = max(
        (t for t in (post.published_at, post.starts_at) if t is not None), default=None
    )
    if went_live is None:
        return None
    return max(0, int((now - went_live).total_seconds() // 60))


# --- unit history -------------------------------------------------------------------------

def move_to_unit(user: User, unit_id: int | None, now: datetime) -> None:
    """Give the person a new unit from now on; their past stays with the old one."""
    if unit_id == user.unit_id:
        return
    current = db.session.scalar(
        select(UnitMembership).where(
            UnitMembership.user_id == user.id, UnitMembership.valid_to.is_(None)
        )
    )
    if current is None:
        db.session.add(UnitMembership(
            user_id=user.id, unit_id=user.unit_id, valid_from=min(user.created_at, now),
            valid_to=now,
        ))
    else:
        current.valid_to = now
    db.session.add(UnitMembership(user_id=user.id, unit_id=unit_id, valid_from=now))
    user.unit_id = unit_id
    db.session.flush()


@dataclass(frozen=True)
class Stint:
    unit_id: int | None
    start: datetime
    end: datetime | None


def unit_history() -> dict[int, list[Stint]]:
    """Everyone's units over time; people never moved have one stint in their present unit."""
    history: dict[int, list[Stint]] = defaultdict(list)
    for user_id, unit_id, start, end in db.session.execute(
        select(UnitMembership.user_id, UnitMembership.unit_id, UnitMembership.valid_from,
               UnitMembership.valid_to).order_by(UnitMembership.valid_from)
    ).tuples():
        history[user_id].append(Stint(unit_id, start, end))
    for user_id, unit_id, created in db.session.execute(
        select(User.id, User.unit_id, User.created_at)
    ).tuples():
        if user_id not in history:
            history[user_id].append(Stint(unit_id, created, None))
    return history


def unit_at(stints: list[Stint], moment: datetime) -> int | None:
    for stint in stints:
        if stint.start <= moment and (stint.end is None or moment < stint.end):
            return stint.unit_id
    # before the first recorded stint: the first unit we know of
    return stints[0].unit_id if stints else None


# --- rollups ------------------------------------------------------------------------------

def _lock() -> None:
    """One rollup at a time (beat may overlap a slow run); SQLite serialises writers anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7020501)"))


def _state(name: str) -> RollupState:
    row = db.session.get(RollupState, name)
    if row is None:
        row = RollupState(name=name, value=0)
        db.session.add(row)
    return row


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
    from advocacy.activity import dashboards

    changes = dashboards.Changes()
    for summed in _aggregate(months, tz):
        people, units, dims = summed.rows()
        before, after, _changed = _replace_month(PersonMonth, summed.month, people)
        dashboards.compare(summed.month, before, after, changes)
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
    from advocacy.activity import partitions

    partitions.ensure_ahead(db.session, now)  # PostgreSQL: next months' partitions exist
    event_mark, click_mark = _state("event_id"), _state("click_id")
    max_event = db.session.scalar(select(func.max(ActivityEvent.id))) or 0
    max_click = db.session.scalar(select(func.max(Click.id))) or 0
    months = _new_months(ActivityEvent, ActivityEvent.occurred_at, event_mark.value, max_event, tz)
    months |= _new_months(Click, Click.created_at, click_mark.value, max_click, tz)
    if months or max_event or max_click:
        months |= set(range(month_of(now - SETTLE, tz), month_of(now, tz) + 1))
    # Months the retention job pruned (activity/retention.py) keep their rollups as they are.
    months = {m for m in months if m >= _state("pruned_before").value}
    changes = rollup_months(months, tz)
    event_mark.value, click_mark.value = max(max_event, event_mark.value), max(
        max_click, click_mark.value
    )
    from advocacy.activity import dashboards

    dashboards.refresh(changes, now, tz)
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
        first = max(min(b[0] for b in bounds), _state("pruned_before").value)
        last = max(b[1] for b in bounds)
        for model in (PersonMonth, UnitMonth, UnitDimMonth):
            db.session.execute(delete(model).where(model.month >= first))
        months = list(range(first, last + 1))
        rollup_months(months, tz)
    _state("event_id").value, _state("click_id").value = max_event, max_click
    from advocacy.activity import dashboards

    dashboards.refresh(None, now or utcnow(), tz)
    return months


# --- the person's own years ---------------------------------------------------------------

YEAR_COLUMNS = ("shares", "clicks", "early_shares", "skips", "snoozes", "kudos_received",
                "stories", "applications")


def years_side_by_side(user_id: int, tz: ZoneInfo | None = None) -> list[dict]:
    """One row per year from the person's monthly rollups, oldest first; shares and clicks
    come from the one owner of those figures (advocacy.activity.clicks), so they agree with
    every other table of the person's activity."""
    from advocacy.activity import clicks as click_figures
    from advocacy.orgtime import org_tz

    tz = tz or org_tz()
    year = PersonMonth.month // const(12)
    rows = db.session.execute(
        select(year, *[func.sum(getattr(PersonMonth, c)) for c in YEAR_COLUMNS],
               func.count(func.distinct(case((PersonMonth.shares > 0, PersonMonth.month)))))
        .where(PersonMonth.user_id == user_id).group_by(year).order_by(year)
    ).tuples()
    out = {}
    for y, *values in rows:
        *sums, active_months = values
        entry = {"year": int(y), **{c: int(v or 0) for c, v in zip(YEAR_COLUMNS, sums,
                                                                    strict=True)}}
        entry["active_months"] = int(active_months or 0)
        out[int(y)] = entry
    shares_per_month = _share_months(user_id, tz)
    click_months = click_figures.person_months(user_id, tz)
    for y in {m // 12 for m in (*shares_per_month, *click_months)} - set(out):
        out[y] = {"year": y, **dict.fromkeys(YEAR_COLUMNS, 0), "active_months": 0}
    for entry in out.values():
        y = entry["year"]
        entry["shares"] = sum(n for m, n in shares_per_month.items() if m // 12 == y)
        entry["clicks"] = sum(c.clicks for m, c in click_months.items() if m // 12 == y)
        entry["active_months"] = max(entry["active_months"], sum(
            1 for m, n in shares_per_month.items() if m // 12 == y and n))
    return [out[y] for y in sorted(out)]


def _share_months(user_id: int, tz: ZoneInfo) -> dict[int, int]:
    """Shares per month (shares are never pruned, so the Share rows are exact)."""
    counts: dict[int, int] = defaultdict(int)
    for (created_at,) in db.session.execute(
        select(Share.created_at).where(Share.user_id == user_id)
    ).tuples():
        counts[month_of(created_at, tz)] += 1
    return dict(counts)


@dataclass
class ShareLine:
    share_id: int
    post_title: str
    network: str
    created_at: datetime
    clicks: int | None  # in this month; None: the month was pruned (only its total is kept)
    visitors: int | None


@dataclass
class Period:
    key: str  # "2026" or "2026-11"
    shares: int = 0
    clicks: int = 0
    visitors: int | None = 0  # None: "not kept" (a pruned month is part of the period)
    lines: list[ShareLine] = field(default_factory=list)
    months: list[Period] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.visitors is not None


def personal_activity(user: User, tz: ZoneInfo) -> list[Period]:
    """Years, newest first, each with its months; human clicks only (bots are counted apart).

    A click counts in the month it happened (as in the rollups and the side-by-side table),
    so every figure on the page adds up: a month's lines are the shares made that month and
    the shares that earned clicks in it, with that month's clicks.
    """
    from advocacy.activity import clicks as click_figures

    click_months = click_figures.person_months(user.id, tz)
    shares = db.session.execute(
        select(Share.id, Post.title, Share.network, Share.created_at)
        .join(Post, Post.id == Share.post_id)
        .where(Share.user_id == user.id)
        .order_by(Share.created_at.desc(), Share.id.desc())
    ).tuples().all()
    by_id = {row[0]: row for row in shares}
    made: dict[int, list[int]] = defaultdict(list)
    for share_id, _title, _network, created_at in shares:
        made[month_of(created_at, tz)].append(share_id)
    years: dict[int, Period] = {}
    for month in sorted(set(made) | set(click_months), reverse=True):
        figures = click_months.get(month, click_figures.MonthClicks())
        period = Period(month_key(month), shares=len(made.get(month, ())),
                        clicks=figures.clicks, visitors=figures.visitors)
        per_share = figures.shares or {}
        ids = list(made.get(month, ()))
        ids += sorted((sid for sid in per_share if sid not in ids and sid in by_id),
                      key=lambda sid: by_id[sid][3], reverse=True)
        for share_id in ids:
            _sid, title, network, created_at = by_id[share_id]
            n, v = per_share.get(share_id, (0, 0))
            period.lines.append(ShareLine(share_id, title, network, created_at,
                                          n if figures.kept else None,
                                          v if figures.kept else None))
        year = years.get(month // 12)
        if year is None:
            year = years[month // 12] = Period(f"{month // 12:04d}")
        year.months.append(period)
        year.shares += period.shares
        year.clicks += period.clicks
        year.visitors = (None if year.visitors is None or period.visitors is None
                         else year.visitors + period.visitors)
    return [years[y] for y in sorted(years, reverse=True)]
