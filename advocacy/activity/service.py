"""The activity record and its monthly rollups, unit history, and a person's own activity.

Recording is one INSERT next to the act. Clicks are *not* copied into the record: the public
redirect stays one look-up and one insert, and the rollup counts clicks straight from the
clicks table, attributing each to the share's event (which carries the sharer's unit then).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    and_,
    case,
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
from advocacy.db import UTCDateTime
from advocacy.extensions import db
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

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


def _month_rows(month: int, tz: ZoneInfo):
    """Aggregate one month of raw events and clicks into person, unit and dimension rows."""
    start, end = month_start(month, tz), month_start(month + 1, tz)
    E = ActivityEvent
    unit = func.coalesce(E.unit_id, const(0))
    share = E.kind == EventKind.SHARE
    timed = and_(share, E.value.is_not(None))
    in_month = and_(E.occurred_at >= start, E.occurred_at < end)
    counts = [
        func.sum(case((E.kind == kind, 1), else_=0)) for kind in KIND_COLUMNS
    ] + [
        func.sum(case((and_(timed, E.value < EARLY_MINUTES), 1), else_=0)),
        func.sum(case((timed, E.value), else_=0)),
        func.sum(case((timed, 1), else_=0)),
    ]
    names = [*KIND_COLUMNS.values(), "early_shares", "lag_minutes", "lag_count"]
    first = type_coerce(func.min(case((share, E.occurred_at))), UTCDateTime())
    last = type_coerce(func.max(case((share, E.occurred_at))), UTCDateTime())
    people: dict[tuple[int, int], dict] = {}
    units: dict[tuple[int, bool], dict] = {}

    def person(user_id: int, unit_id: int) -> dict:
        row = people.get((user_id, unit_id))
        if row is None:
            row = people[(user_id, unit_id)] = {
                "month": month, "user_id": user_id, "unit_id": unit_id, "as_leader": False,
                "first_share_at": None, "last_share_at": None, **_zero(),
            }
        return row

    def unit_row(unit_id: int, leader: bool) -> dict:
        row = units.get((unit_id, leader))
        if row is None:
            row = units[(unit_id, leader)] = {
                "month": month, "unit_id": unit_id, "as_leader": leader, **_zero()
            }
        return row

    for user_id, unit_id, leader, first_at, last_at, *values in db.session.execute(
        select(E.user_id, unit, E.as_leader, first, last, *counts)
        .where(in_month).group_by(E.user_id, unit, E.as_leader)
    ).tuples():
        targets = [unit_row(unit_id, bool(leader))]
        if user_id is not None:
            p = person(user_id, unit_id)
            p["as_leader"] = p["as_leader"] or bool(leader)
            if first_at is not None:
                p["first_share_at"] = min(filter(None, (p["first_share_at"], first_at)))
                p["last_share_at"] = max(filter(None, (p["last_share_at"], last_at)))
            targets.append(p)
        for target in targets:
            for name, value in zip(names, values, strict=True):
                target[name] += int(value or 0)

    C = Click
    click_join = and_(E.kind == EventKind.SHARE, E.ref_id == C.share_id)
    click_where = and_(C.created_at >= start, C.created_at < end, C.is_bot.is_(False))
    dims: dict[tuple[int, str, str], dict] = {}

    def dim(unit_id: int, kind: str, key: str) -> dict:
        row = dims.get((unit_id, kind, key))
        if row is None:
            row = dims[(unit_id, kind, key)] = {
                "month": month, "unit_id": unit_id, "dim": kind, "key": key,
                "shares": 0, "clicks": 0,
            }
        return row

    for user_id, unit_id, leader, network, n in db.session.execute(
        select(E.user_id, unit, E.as_leader, E.network, func.count())
        .select_from(C).join(E, click_join).where(click_where)
        .group_by(E.user_id, unit, E.as_leader, E.network)
    ).tuples():
        unit_row(unit_id, bool(leader))["clicks"] += n
        if user_id is not None:
            p = person(user_id, unit_id)
            p["clicks"] += n
        dim(unit_id, "network", network or "?")["clicks"] += n
    for unit_id, network, n in db.session.execute(
        select(unit, E.network, func.count()).where(in_month, share).group_by(unit, E.network)
    ).tuples():
        dim(unit_id, "network", network or "?")["shares"] += n
    pt = post_topics.c
    for unit_id, topic_id, n in db.session.execute(
        select(unit, pt.topic_id, func.count()).join(post_topics, pt.post_id == E.post_id)
        .where(in_month, share).group_by(unit, pt.topic_id)
    ).tuples():
        dim(unit_id, "topic", str(topic_id))["shares"] += n
    for unit_id, topic_id, n in db.session.execute(
        select(unit, pt.topic_id, func.count()).select_from(C).join(E, click_join)
        .join(post_topics, pt.post_id == E.post_id).where(click_where).group_by(unit, pt.topic_id)
    ).tuples():
        dim(unit_id, "topic", str(topic_id))["clicks"] += n
    return list(people.values()), list(units.values()), list(dims.values())


def rollup_months(months: Iterable[int], tz: ZoneInfo):
    """Recompute whole months from the raw record: running it twice changes nothing.

    Returns what changed in the person rows with shares (for the dashboard tables).
    """
    from advocacy.activity import dashboards

    changes = dashboards.Changes()
    for month in sorted(set(months)):
        before = dashboards.share_rows(month)
        people, units, dims = _month_rows(month, tz)
        for model in (PersonMonth, UnitMonth, UnitDimMonth):
            db.session.execute(delete(model).where(model.month == month))
        for model, rows in ((PersonMonth, people), (UnitMonth, units), (UnitDimMonth, dims)):
            if rows:
                db.session.execute(insert(model), rows)
        after = {(r["user_id"], r["unit_id"]): (r["shares"], r["last_share_at"], r["as_leader"])
                 for r in people if r["shares"] > 0}
        dashboards.compare(month, before, after, changes)
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
    event_mark, click_mark = _state("event_id"), _state("click_id")
    max_event = db.session.scalar(select(func.max(ActivityEvent.id))) or 0
    max_click = db.session.scalar(select(func.max(Click.id))) or 0
    months = _new_months(ActivityEvent, ActivityEvent.occurred_at, event_mark.value, max_event, tz)
    months |= _new_months(Click, Click.created_at, click_mark.value, max_click, tz)
    if months or max_event or max_click:
        months |= set(range(month_of(now - SETTLE, tz), month_of(now, tz) + 1))
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

    dashboards.refresh(None, now or datetime.now(UTC), tz)
    return months


# --- the person's own years ---------------------------------------------------------------

YEAR_COLUMNS = ("shares", "clicks", "early_shares", "skips", "snoozes", "kudos_received",
                "stories", "applications")


def years_side_by_side(user_id: int) -> list[dict]:
    """One row per year from the person's monthly rollups, oldest first."""
    year = PersonMonth.month // const(12)
    rows = db.session.execute(
        select(year, *[func.sum(getattr(PersonMonth, c)) for c in YEAR_COLUMNS],
               func.count(func.distinct(case((PersonMonth.shares > 0, PersonMonth.month)))))
        .where(PersonMonth.user_id == user_id).group_by(year).order_by(year)
    ).tuples()
    out = []
    for y, *values in rows:
        *sums, active_months = values
        entry = {"year": int(y), **{c: int(v or 0) for c, v in zip(YEAR_COLUMNS, sums,
                                                                    strict=True)}}
        entry["active_months"] = int(active_months or 0)
        out.append(entry)
    return out


@dataclass
class ShareLine:
    share_id: int
    post_title: str
    network: str
    created_at: datetime
    clicks: int
    visitors: int


@dataclass
class Period:
    key: str  # "2026" or "2026-11"
    shares: int = 0
    clicks: int = 0
    visitors: int = 0
    lines: list[ShareLine] = field(default_factory=list)
    months: list[Period] = field(default_factory=list)


def personal_activity(user: User, tz: ZoneInfo) -> list[Period]:
    """Years, newest first, each with its months; human clicks only (bots are counted apart)."""
    human = Click.is_bot.is_(False)
    click_counts = (
        select(
            Click.share_id,
            func.count(case((human, 1))).label("clicks"),
            func.count(func.distinct(case((human, Click.visitor_hash)))).label("visitors"),
        )
        .join(Share, Share.id == Click.share_id)
        .where(Share.user_id == user.id)
        .group_by(Click.share_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Share.id,
            Post.title,
            Share.network,
            Share.created_at,
            # clicks the retention job pruned stay counted on the share itself
            func.coalesce(click_counts.c.clicks, 0) + Share.pruned_clicks,
            func.coalesce(click_counts.c.visitors, 0),
        )
        .join(Post, Post.id == Share.post_id)
        .outerjoin(click_counts, click_counts.c.share_id == Share.id)
        .where(Share.user_id == user.id)
        .order_by(Share.created_at.desc(), Share.id.desc())
    ).tuples()
    years: dict[str, Period] = {}
    months: dict[str, Period] = {}
    for share_id, title, network, created_at, clicks, visitors in rows:
        local = created_at.astimezone(tz)
        year_key, month_key = f"{local:%Y}", f"{local:%Y-%m}"
        line = ShareLine(share_id, title, network, created_at, int(clicks), int(visitors))
        year = years.get(year_key)
        if year is None:
            year = years[year_key] = Period(year_key)
        month = months.get(month_key)
        if month is None:
            month = months[month_key] = Period(month_key)
            year.months.append(month)
        for period in (year, month):
            period.shares += 1
            period.clicks += line.clicks
            period.visitors += line.visitors
        month.lines.append(line)
    return list(years.values())
