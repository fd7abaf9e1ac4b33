"""What the corps-health page reads, precomputed whenever the rollup runs.

A page over years must not walk years of person-months per request. Next to the monthly
rollups the rollup keeps four small tables, derived only from those rollups, the people,
their roles and their unit history — never from raw events:

* ``activity_people``: each enrolled ambassador (an active user with the ambassador role):
  joining month and unit, whether they still shared 3, 6, 12, 24, 36 months after joining,
  their last share, and the "regular who stopped" figures as of the current month;
* ``activity_cohorts``: per joining month and unit, the people and those still sharing;
* ``activity_enrolment``: per month and unit, the change in enrolment (joins and moves);
* ``activity_scope_periods``: per unit with its sub-units (0: the whole organisation) and
  month, quarter or year: who shared, the leaders among them, and the shares of the top 10 %;
* ``activity_unit_periods``: the same counts of people per unit alone (each person once per
  period, in the unit of their last month with shares), which add up over any set of units:
  the page folds them by each period's blocks.

Like the monthly rollups they are idempotent (always recomputed from their sources, never
added to) and incremental: only the people and periods whose monthly share rows changed are
redone. Enrolment (people, roles, moves) is read in full on every run — one row per person —
and written only where it changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, delete, func, insert, select

from advocacy.accounts.models import Role, RoleName, User
from advocacy.accounts.units import tree
from advocacy.activity.marks import state
from advocacy.activity.models import (
    Cohort,
    EnrolmentChange,
    PersonMonth,
    PersonState,
    ScopeActivity,
    ScopeDim,
    ScopePeriod,
    UnitDimMonth,
    UnitMembership,
    UnitMonth,
    UnitPeriod,
)
from advocacy.activity.months import month_of, month_start
from advocacy.activity.unit_history import Stint, unit_at
from advocacy.extensions import db

VERSION = 2  # bump when what is stored changes: the next run rebuilds the tables
ORGANISATION = 0  # scope id of the whole organisation
SIZES = (1, 3, 12)  # months per period: month, quarter, year
RETENTION_AFTER = (3, 6, 12, 24, 36)  # months after joining
RETENTION_WINDOW = 3  # "still sharing after k months": shared in months k-2 … k
STOPPED_LOOKBACK = 12  # months before the quiet spell in which they were regular
STOPPED_MIN_MONTHS = 6  # sharing in at least this many of them …
STOPPED_QUIET = 3  # … and silent for the last three months
TOP_SHARE = 10  # concentration: the top 10 % of those who shared
CHUNK = 500  # ids per IN (…) list


@dataclass
class Changes:
    """What a rollup run changed: months and people whose share rows changed, and months
    whose network and topic rows changed."""

    months: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    unit_months: set[int] = field(default_factory=set)
    dim_months: set[int] = field(default_factory=set)


def _shares(rows: dict) -> dict[tuple, tuple]:
    """Person rows with shares, as far as the dashboards depend on them."""
    return {key: (int(row["shares"]), row["last_share_at"], bool(row["as_leader"]))
            for key, row in rows.items() if row["shares"] > 0}


def compare(month: int, before: dict, after: dict, changes: Changes) -> None:
    """Note the people whose share rows differ between the month's old and new person rows."""
    before, after = _shares(before), _shares(after)
    users = {key[0] for key in before.keys() ^ after.keys()}
    users |= {key[0] for key in before.keys() & after.keys() if before[key] != after[key]}
    if users:
        changes.months.add(month)
        changes.users |= users


# --- the unit tree ---------------------------------------------------------------------------

class Tree:
    """Which scopes (a unit with its sub-units, and the organisation) a unit's rows count in."""

    def __init__(self) -> None:
        self.units = tree()
        self.parents = self.units.parents
        self.fingerprint = self.units.fingerprint
        self._scopes: dict[int, tuple[int, ...]] = {}

    def scopes(self, unit_id: int) -> tuple[int, ...]:
        found = self._scopes.get(unit_id)
        if found is None:
            found = self._scopes[unit_id] = (ORGANISATION, *self.units.chain(unit_id))
        return found


# --- refreshing ----------------------------------------------------------------------------

def refresh(changes: Changes | None, now: datetime, tz: ZoneInfo) -> None:
    """Bring the dashboard tables up to date with the rollups; None: recompute everything."""
    current = month_of(now, tz)
    version, tree_mark, as_of = state("dashboards"), state("unit_tree"), state("people_month")
    full = changes is None or version.value != VERSION
    tree = Tree()
    # "Regular who stopped" is relative to the current month: a new month redoes everyone.
    redo = None if changes is None or full or as_of.value != current else changes.users
    _refresh_people(redo, now, tz, current, tree)
    if full or tree_mark.value != tree.fingerprint:
        _refresh_scope_periods(None, tree)
        _refresh_scope_sums(ScopeActivity, None, tree)
        _refresh_scope_sums(ScopeDim, None, tree)
    elif changes is not None:  # always, as not full
        if changes.months:
            _refresh_scope_periods(_periods(changes.months), tree)
        if changes.unit_months:
            _refresh_scope_sums(ScopeActivity, _periods(changes.unit_months), tree)
        if changes.dim_months:
            _refresh_scope_sums(ScopeDim, _periods(changes.dim_months), tree)
    version.value, tree_mark.value, as_of.value = VERSION, tree.fingerprint, current
    db.session.flush()


def _periods(months: Iterable[int]) -> set[tuple[int, int]]:
    """The (size, period) pairs that hold these months."""
    return {(size, month // size) for month in months for size in SIZES}


def _months(keys: set[tuple[int, int]]) -> list[int]:
    return sorted({m for size, period in keys for m in range(period * size, period * size + size)})


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _sync(table: Table, keys: tuple[str, ...], values: tuple[str, ...],
          new: dict[tuple, tuple], stored: dict[tuple, tuple] | None = None) -> None:
    """Make the table hold exactly `new` ({key: values}), touching only rows that differ."""
    if stored is None:
        stored = {
            tuple(row[:len(keys)]): tuple(row[len(keys):])
            for row in db.session.execute(
                select(*[table.c[c] for c in (*keys, *values)])
            ).tuples()
        }
    gone = [k for k, v in stored.items() if new.get(k) != v]
    fresh = [k for k, v in new.items() if stored.get(k) != v]
    if gone:
        db.session.execute(
            delete(table).where(and_(*[table.c[c] == bindparam(f"k_{c}") for c in keys])),
            [{f"k_{c}": part for c, part in zip(keys, k, strict=True)} for k in gone],
        )
    if fresh:
        db.session.execute(insert(table), [dict(zip((*keys, *values), (*k, *new[k]),
                                                    strict=True)) for k in fresh])


PEOPLE_VALUES = ("unit_id", "joined_month", "joined_unit_id", "retained", "last_share_at",
                 "last_share_month", "regular_months", "quiet", "stopped")
FIGURES = slice(3, None)  # retained … quiet: what the person's share months decide


def _refresh_people(redo: set[int] | None, now: datetime, tz: ZoneInfo, current: int,
                    tree: Tree) -> None:
    """People, cohorts and enrolment; `redo`: whose share months changed (None: everyone)."""
    people = db.session.execute(
        select(User.id, func.min(Role.created_at), User.unit_id)
        .join(Role, and_(Role.user_id == User.id, Role.name == RoleName.AMBASSADOR))
        .where(User.active.is_(True)).group_by(User.id, User.unit_id)
    ).tuples().all()
    moves: dict[int, list[Stint]] = defaultdict(list)
    for user_id, unit_id, start, end in db.session.execute(
        select(UnitMembership.user_id, UnitMembership.unit_id, UnitMembership.valid_from,
               UnitMembership.valid_to).order_by(UnitMembership.valid_from, UnitMembership.id)
    ).tuples():
        moves[user_id].append(Stint(unit_id, start, end))
    table = PersonState.__table__
    stored = {
        (row[0],): tuple(row[1:])
        for row in db.session.execute(
            select(table.c.user_id, *[table.c[c] for c in PEOPLE_VALUES])
        ).tuples()
    }
    enrolled: dict[int, tuple[int, int, int]] = {}  # user -> (unit now, joined month, unit then)
    deltas: dict[tuple[int, int], int] = defaultdict(int)
    for user_id, joined, unit_id in people:
        stints = moves.get(user_id) or [Stint(unit_id, joined, None)]
        joined_month = month_of(joined, tz)
        enrolled[user_id] = (unit_id or 0, joined_month, unit_at(stints, joined) or 0)
        if joined <= now:
            _enrolment(stints, joined_month, current, now, tz, deltas)
    if redo is not None:  # newcomers and changed joining months need their figures too
        redo = set(redo) | {u for u, (_n, month, _t) in enrolled.items()
                            if stored.get((u,), (None, None))[1] != month}
    figures = _figures(enrolled, redo, current)
    new: dict[tuple, tuple] = {}
    for user_id, (unit_id, joined_month, unit_then) in enrolled.items():
        mine = figures.get(user_id)
        if mine is None:
            mine = stored[(user_id,)][FIGURES]
        new[(user_id,)] = (unit_id, joined_month, unit_then, *mine)
    _sync(table, ("user_id",), PEOPLE_VALUES, new, stored)

    cohorts: dict[tuple, int] = defaultdict(int)
    for _unit, joined_month, unit_then, retained, *_rest in new.values():
        for scope in tree.scopes(unit_then):
            cohorts[(scope, joined_month, 0)] += 1
            for i, after in enumerate(RETENTION_AFTER):
                if retained >> i & 1:
                    cohorts[(scope, joined_month, after)] += 1
    _sync(Cohort.__table__, ("scope_id", "joined_month", "after"), ("people",),
          {k: (n,) for k, n in cohorts.items()})
    _sync(EnrolmentChange.__table__, ("month", "unit_id"), ("delta",),
          {k: (n,) for k, n in deltas.items() if n})


def _enrolment(stints: list[Stint], joined_month: int, current: int, now: datetime,
               tz: ZoneInfo, deltas: dict[tuple[int, int], int]) -> None:
    """+1 where the person counts at the end of the month they joined; -1/+1 on each move.

    A person counts in the unit they belong to at the end of the month (or now, for the
    current month), as the page has always counted them.
    """
    months = {joined_month}
    for stint in stints[1:] if len(stints) > 1 else ():
        months.add(month_of(stint.start, tz))
    for stint in stints if len(stints) > 1 else ():
        if stint.end is not None:
            months.add(month_of(stint.end, tz))
    before = None
    for month in sorted(m for m in months if joined_month <= m <= current):
        end = min(month_start(month + 1, tz) - timedelta(microseconds=1), now)
        unit_id = unit_at(stints, end) or 0
        if unit_id != before:
            if before is not None:
                deltas[(month, before)] -= 1
            deltas[(month, unit_id)] += 1
            before = unit_id


def _figures(enrolled: dict[int, tuple[int, int, int]], redo: set[int] | None,
             current: int) -> dict[int, tuple]:
    """Retention bits, last share and the stopped-regular figures from the share months."""
    wanted = set(enrolled) if redo is None else redo & set(enrolled)
    if not wanted:
        return {}
    pm = PersonMonth
    stmt = select(pm.user_id, pm.month, pm.last_share_at).where(pm.shares > 0)
    months: dict[int, set[int]] = defaultdict(set)
    last: dict[int, datetime] = {}
    batches = [stmt] if redo is None or len(wanted) * 4 > len(enrolled) else [
        stmt.where(pm.user_id.in_(chunk)) for chunk in _chunks(wanted)
    ]
    for batch in batches:
        for user_id, month, last_at in db.session.execute(batch).tuples():
            months[user_id].add(month)
            if last_at is not None and (user_id not in last or last_at > last[user_id]):
                last[user_id] = last_at
    quiet_from = current - STOPPED_QUIET + 1
    lookback_from = quiet_from - STOPPED_LOOKBACK
    out: dict[int, tuple] = {}
    for user_id in wanted:
        joined = enrolled[user_id][1]
        mine = months.get(user_id, ())
        retained = 0
        for i, after in enumerate(RETENTION_AFTER):
            low, high = joined + after - RETENTION_WINDOW + 1, joined + after
            if any(low <= m <= high for m in mine):
                retained |= 1 << i
        regular = sum(1 for m in mine if lookback_from <= m < quiet_from)
        quiet = not any(m >= quiet_from for m in mine)
        out[user_id] = (retained, last.get(user_id), max(mine) if mine else None, regular, quiet,
                        quiet and regular >= STOPPED_MIN_MONTHS)
    return out


def _refresh_scope_periods(keys: set[tuple[int, int]] | None, tree: Tree) -> None:
    """Recompute the given (size, period) pairs for every scope; None: all of them."""
    pm = PersonMonth
    stmt = select(pm.month, pm.user_id, pm.unit_id, pm.as_leader, pm.shares).where(
        pm.shares > 0)
    table, units_table = ScopePeriod.__table__, UnitPeriod.__table__
    if keys is not None:
        stmt = stmt.where(pm.month.in_(_months(keys)))
    _clear(table, keys)
    _clear(units_table, keys)
    rows = db.session.execute(stmt).tuples().all()
    for size in SIZES:
        grouped: dict[int, list[tuple]] = defaultdict(list)
        for month, user_id, unit_id, leader, shares in rows:
            period = month // size
            if keys is None or (size, period) in keys:
                grouped[period].append((user_id, unit_id, leader, shares, month))
        out, per_unit = [], []
        for period in sorted(grouped):
            out.extend(_scope_rows(size, period, grouped[period], tree))
            per_unit.extend(_unit_rows(size, period, grouped[period], tree))
        if out:
            db.session.execute(insert(table), out)
        if per_unit:
            db.session.execute(insert(units_table), per_unit)


def _unit_rows(size: int, period: int, rows: list[tuple], tree: Tree) -> list[dict]:
    """Who shared per unit alone: each person once, in the unit of their last month with
    shares in the period (a unit no longer in the tree counts as no unit)."""
    last: dict[int, tuple[int, int]] = {}  # user -> (month, unit)
    leader_of: dict[int, bool] = defaultdict(bool)
    for user_id, unit_id, leader, _shares, month in rows:
        unit = unit_id if unit_id in tree.parents else ORGANISATION
        if user_id not in last or (month, unit) > last[user_id]:
            last[user_id] = (month, unit)
        leader_of[user_id] = leader_of[user_id] or bool(leader)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for user_id, (_month, unit) in last.items():
        counts[unit][0] += 1
        counts[unit][1] += int(leader_of[user_id])
    return [{"unit_id": unit, "size": size, "period": period, "active": active,
             "leaders": leaders} for unit, (active, leaders) in sorted(counts.items())]


def _clear(table: Table, keys: set[tuple[int, int]] | None) -> None:
    if keys is None:
        db.session.execute(delete(table))
    else:
        db.session.execute(
            delete(table).where(table.c.size == bindparam("s"), table.c.period == bindparam("p")),
            [{"s": size, "p": period} for size, period in sorted(keys)],
        )


SUMMED = {  # what is summed over sub-units, from which monthly unit rows, by which keys
    ScopeActivity: (UnitMonth, ("as_leader",),
                    ("shares", "clicks", "applications", "hires", "early_shares",
                     "lag_minutes", "lag_count")),
    ScopeDim: (UnitDimMonth, ("dim", "key"), ("shares", "clicks")),
}


def _refresh_scope_sums(model, keys: set[tuple[int, int]] | None, tree: Tree) -> None:
    """Unit rows summed per scope for the given (size, period) pairs; None: all of them."""
    source, by, values = SUMMED[model]
    src = source.__table__.c
    stmt = select(src.month, src.unit_id, *[src[c] for c in by], *[src[c] for c in values])
    if keys is not None:
        stmt = stmt.where(src.month.in_(_months(keys)))
    table = model.__table__
    _clear(table, keys)
    sums: dict[tuple, list[int]] = {}
    n = len(by)
    for month, unit_id, *rest in db.session.execute(stmt).tuples():
        key, numbers = tuple(rest[:n]), rest[n:]
        for size in SIZES:
            period = month // size
            if keys is not None and (size, period) not in keys:
                continue
            for scope in tree.scopes(unit_id):
                entry = sums.get((scope, size, period, *key))
                if entry is None:
                    sums[(scope, size, period, *key)] = [int(v or 0) for v in numbers]
                else:
                    for i, v in enumerate(numbers):
                        entry[i] += int(v or 0)
    columns = ("scope_id", "size", "period", *by, *values)
    if sums:
        db.session.execute(insert(table), [
            dict(zip(columns, (*k, *v), strict=True)) for k, v in sums.items()
        ])


def _scope_rows(size: int, period: int, rows: list[tuple], tree: Tree) -> list[dict]:
    people: dict[int, dict[int, list]] = defaultdict(dict)  # scope -> user -> [shares, leader]
    for user_id, unit_id, leader, shares, _month in rows:
        for scope in tree.scopes(unit_id):
            entry = people[scope].get(user_id)
            if entry is None:
                people[scope][user_id] = [int(shares), bool(leader)]
            else:
                entry[0] += int(shares)
                entry[1] = entry[1] or bool(leader)
    per = 100 // TOP_SHARE
    out = []
    for scope, entries in people.items():
        values = sorted((e[0] for e in entries.values()), reverse=True)
        top_n = (len(values) + per - 1) // per  # ceil(n / 10)
        out.append({
            "scope_id": scope, "size": size, "period": period, "active": len(values),
            "leaders": sum(1 for e in entries.values() if e[1]), "shares": sum(values),
            "top_shares": sum(values[:top_n]),
        })
    return out
