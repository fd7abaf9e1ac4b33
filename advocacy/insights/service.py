"""Corps health over years (M7, M8), computed from the monthly rollups only — never raw events.

Privacy (M: privacy by design): every figure about people is about a group of at least the
programme's minimum size; smaller sub-units and cohorts are folded into "Other", and a figure
about fewer people is left out (None). Names appear only where the person opted in, and in
the early-warning list only for curators and administrators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal_column, or_, select

from advocacy import csvsafe
from advocacy import folding as fold
from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.service import descendant_ids
from advocacy.activity import health_tables
from advocacy.activity.health_tables import (
    RETENTION_AFTER,
    STOPPED_LOOKBACK,
    STOPPED_MIN_MONTHS,
    STOPPED_QUIET,
)
from advocacy.activity.models import (
    Cohort,
    EnrolmentChange,
    PersonMonth,
    PersonState,
    RollupState,
    ScopeActivity,
    ScopeDim,
    ScopePeriod,
    UnitMonth,
    UnitPeriod,
)
from advocacy.activity.months import month_key, month_of, parse_month
from advocacy.activity.personal import years_side_by_side
from advocacy.content.models import Network, Topic
from advocacy.endorsements.models import Kudos
from advocacy.endorsements.service import endorsed_shares, kudos_for
from advocacy.extensions import db
from advocacy.privacy import visibility
from advocacy.programme.service import get_programme

RESOLUTIONS = {"month": 1, "quarter": 3, "year": 12}
MAX_YEARS = 10
EARLIEST_YEAR = 2000
TOPICS_SHOWN = 6
PAGE_ROWS = 50  # lists of people on the page; the CSV file has every row
OTHER = "other"


class InsightsError(ValueError):
    """Bad filter input; the message is shown with status 400."""


class NotAllowed(Exception):
    """The viewer may not see this unit (a leader outside their own): 403, nothing revealed."""


class NotFound(Exception):
    """A curator asked for a unit that does not exist: 404."""


# --- the request ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    unit_id: int | None  # None: the whole organisation
    first_month: int
    last_month: int
    resolution: str

    @property
    def years(self) -> int:
        return max(1, -(-(self.last_month - self.first_month + 1) // 12))


def parse_query(args: dict[str, str], *, now: datetime, tz: ZoneInfo) -> Query:
    """Validate the filter: span of 1–10 years, not in the future, start before end."""
    current = month_of(now, tz)
    resolution = (args.get("resolution") or "quarter").strip()
    if resolution not in RESOLUTIONS:
        raise InsightsError(_l("Choose month, quarter or year."))
    unit_raw = (args.get("unit") or "").strip()
    unit_id = None
    if unit_raw:
        if not unit_raw.isdigit() or len(unit_raw) > 9:
            raise InsightsError(_l("Unknown unit."))
        unit_id = int(unit_raw)
    start_raw, end_raw = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    years_raw = (args.get("years") or "").strip()
    try:
        last = parse_month(end_raw) if end_raw else current
        if start_raw:
            first = parse_month(start_raw)
        else:
            years = int(years_raw) if years_raw else 5
            if not 1 <= years <= MAX_YEARS:
                raise InsightsError(_l("Choose a span of 1 to %(n)d years.", n=MAX_YEARS))
            first = last - years * 12 + 1
    except ValueError as exc:
        if isinstance(exc, InsightsError):
            raise
        raise InsightsError(_l("Write months as YYYY-MM, for example 2024-01.")) from exc
    if first > last:
        raise InsightsError(_l("The start month comes after the end month."))
    if last > current:
        raise InsightsError(_l("The end month lies in the future."))
    if first < EARLIEST_YEAR * 12:
        raise InsightsError(_l("Choose months from %(year)d onwards.", year=EARLIEST_YEAR))
    if last - first + 1 > MAX_YEARS * 12:
        raise InsightsError(_l("Choose a span of 1 to %(n)d years.", n=MAX_YEARS))
    return Query(unit_id, first, last, resolution)


# --- who may see what ----------------------------------------------------------------------

def sees_everything(viewer: User) -> bool:
    return bool(viewer.role_names & {RoleName.CURATOR, RoleName.ADMIN})


def allowed_unit_ids(viewer: User) -> set[int] | None:
    """None: every unit (curators, admins); else the leader's units with their sub-units."""
    if sees_everything(viewer):
        return None
    return descendant_ids(viewer.led_unit_ids)


def resolve_scope(viewer: User, unit_id: int | None) -> Unit | None:
    """The unit to show (None: the whole organisation), or NotAllowed/NotFound."""
    allowed = allowed_unit_ids(viewer)
    if allowed is None:
        if unit_id is None:
            return None
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound()
        return unit
    if unit_id is None:
        led = sorted(viewer.led_unit_ids)
        if not led:
            raise NotAllowed()
        unit_id = led[0]
    if unit_id not in allowed:  # the same answer whether the unit exists or not
        raise NotAllowed()
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotAllowed()
    return unit


def scope_choices(viewer: User, units: Units | None = None) -> list[tuple[int, str]]:
    """The units the viewer may choose, each with its path, by name."""
    allowed = allowed_unit_ids(viewer)
    units = units or Units()
    return [(uid, units.path(uid)) for uid in sorted(units.names, key=lambda u: (units.names[u], u))
            if allowed is None or uid in allowed]


# --- periods -------------------------------------------------------------------------------

def period_of(month: int, resolution: str) -> int:
    return month // RESOLUTIONS[resolution]


def period_label(period: int, resolution: str) -> str:
    if resolution == "month":
        return month_key(period)
    if resolution == "quarter":
        return f"{period // 4} Q{period % 4 + 1}"
    return str(period)


def period_last_month(period: int, resolution: str) -> int:
    size = RESOLUTIONS[resolution]
    return period * size + size - 1


def periods(query: Query) -> list[int]:
    return list(range(period_of(query.first_month, query.resolution),
                      period_of(query.last_month, query.resolution) + 1))


def yoy_lag(resolution: str) -> int:
    return 12 // RESOLUTIONS[resolution]


def change(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return round((float(now) - float(before)) * 100.0 / float(before), 1)


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    if a is None or not b:
        return None
    return round(float(a) / float(b), digits)


def percent(a: float | None, b: float | None) -> float | None:
    value = ratio(a, b, 4)
    return None if value is None else round(value * 100, 1)


# --- tables --------------------------------------------------------------------------------

@dataclass
class Table:
    key: str
    title: Any
    columns: list[tuple[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: dict | None = None  # {"type": "line"|"bar", "series": [column keys]}
    note: Any = None
    total_rows: int | None = None  # set when only the first rows are kept (the page)

    def shown_columns(self) -> list[tuple[str, Any]]:
        """The columns of the page and the CSV file (the person's id only links a name)."""
        return [(key, label) for key, label in self.columns if key != "user_id"]

    def chart_data(self) -> dict | None:
        if not self.chart or not self.rows:
            return None
        label_key = self.columns[0][0]
        labels = dict(self.columns)
        return {
            "id": f"chart-{self.key}",
            "type": self.chart["type"],
            "labels": [str(row[label_key]) for row in self.rows],
            "datasets": [
                {"label": str(labels[key]),
                 "data": [v if isinstance(v, int | float) else None
                          for v in (row.get(key) for row in self.rows)]}
                for key in self.chart["series"]
            ],
        }


@dataclass
class Health:
    query: Query
    unit: Unit | None
    min_group: int
    enough_people: bool
    tables: list[Table]
    names_shown: bool
    first_month: int = 0  # the months the figures cover: whole periods, up to now
    last_month: int = 0
    units: Any = None  # the unit tree as read for this page (Units)
    looked_at: dict[str, set[int]] = field(default_factory=dict)  # named people shown

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def charts(self) -> list[dict]:
        return [c for c in (t.chart_data() for t in self.tables) if c]


# --- reading the rollups -------------------------------------------------------------------

class Units:
    """The unit tree, read once per request: scopes, the groups a page shows, names."""

    def __init__(self) -> None:
        rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.name)).tuples().all()
        self.parents = {uid: parent for uid, parent, _name in rows}
        self.names = {uid: name for uid, _parent, name in rows}

    def path(self, unit_id: int) -> str:
        names, node, seen = [], unit_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            names.append(self.names[node])
            node = self.parents.get(node)
        return " › ".join(reversed(names))

    def descendants(self, unit_id: int) -> set[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for uid, parent in self.parents.items():
            children[parent].append(uid)
        out: set[int] = set()
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            if uid not in out:
                out.add(uid)
                stack.extend(children.get(uid, []))
        return out

    def groups(self, unit: Unit | None) -> tuple[dict[int, int], dict[int, str]]:
        """Map every unit in scope to the group it is shown in: a child unit with its
        sub-units (or the unit itself, "directly")."""
        top = unit.id if unit else None
        mapping: dict[int, int] = {}
        for uid in self.parents:
            chain, node = [], uid
            while node is not None and node != top:
                chain.append(node)
                node = self.parents.get(node)
            if node != top:
                continue  # outside the scope
            mapping[uid] = chain[-1] if chain else uid  # the child just below the top, or top
        labels = {gid: self.names[gid] for gid in set(mapping.values())}
        if unit is not None:
            labels[unit.id] = str(_l("%(unit)s (directly)", unit=unit.name))
        else:
            mapping[0] = 0
            labels[0] = str(_l("No unit"))
        return mapping, labels


def _safe_group(n: int, min_group: int) -> bool:
    return n == 0 or n >= min_group


def _in_scope(column, ids: set[int] | None):
    return literal_column("1") == 1 if ids is None else column.in_(ids)


@dataclass
class Context:
    """One request's scope and span, shared by the tables."""

    unit: Unit | None
    scope_ids: set[int] | None  # None: the whole organisation
    scope_id: int  # the key of the scope in the dashboard tables
    query: Query
    span: list[int]  # the periods shown
    first: int  # whole periods: the first month of the first period …
    last: int  # … and the last month of the last one (not after the current month)
    current: int
    now: datetime
    min_group: int
    names_shown: bool
    mapping: dict[int, int]
    labels: dict[int, str]
    units: Units
    rows: int | None
    folding: fold.Folding | None = None
    scope_key: int = 0
    row_of: dict[int, Any] = field(default_factory=dict)
    row_labels: dict[Any, str] = field(default_factory=dict)
    viewer: Any = None  # visibility.Viewer: the one rule for named people
    looked_at: dict[str, set[int]] = field(default_factory=dict)
    # Each period's blocks, from the enrolment at its end (the over-time tables fold by them)
    by_period: dict[int, fold.Folding] = field(default_factory=dict)
    scope_units: set[int] = field(default_factory=set)  # the scope's units (the tree now)

    def period_shown(self, period: int) -> bool:
        """May this period's figures of the scope be shown? Only when the scope is a union of
        whole blocks of that period (else a past figure, differenced with a sub-unit's,
        could be about fewer people than the minimum)."""
        folding = self.by_period.get(period)
        return folding is not None and folding.shown(self.scope_key)

    def seen(self, what: str, user_ids) -> None:
        self.looked_at.setdefault(what, set()).update(user_ids)

    @property
    def resolution(self) -> str:
        return self.query.resolution

    @property
    def size(self) -> int:
        return RESOLUTIONS[self.query.resolution]

    def group_of(self, unit_id: int | None) -> int:
        return self.mapping.get(unit_id or 0, self.unit.id if self.unit else 0)


def corps_health(
    viewer: User, unit: Unit | None, query: Query, *, now: datetime, tz: ZoneInfo,
    rows: int | None = PAGE_ROWS,
) -> Health:
    """The page's figures from the rollups and the dashboard tables the rollup keeps.

    Periods are whole: a quarter or a year in the span counts all its months (up to now),
    so every table agrees on what "2024 Q1" means. Lists of people keep their first `rows`
    rows (None: all, for the CSV files).
    """
    programme = get_programme()
    min_group = max(1, programme.min_group_size)
    units = Units()
    current = month_of(now, tz)
    span = periods(query)
    size = RESOLUTIONS[query.resolution]
    first, last = span[0] * size, min(period_last_month(span[-1], query.resolution), current)
    scope_ids = None if unit is None else units.descendants(unit.id)
    mapping, labels = units.groups(unit)
    ctx = Context(unit, scope_ids, unit.id if unit else health_tables.ORGANISATION, query, span,
                  first, last, current, now, min_group, sees_everything(viewer), mapping,
                  labels, units, rows)
    ctx.viewer = visibility.Viewer(viewer, now)
    tables: list[Table] = []
    overview = _overview(ctx)
    if overview is None:
        return Health(query, unit, min_group, False, tables, ctx.names_shown, first, last,
                      units)
    tables.append(overview)
    ctx.scope_units = ctx.folding.subtree(ctx.scope_key)
    ctx.by_period = period_foldings(ctx.units.parents, ctx.min_group,
                                    range(span[0] - yoy_lag(query.resolution), span[-1] + 1),
                                    query.resolution, current)
    scope = _scope_periods(ctx)
    sharing = _unit_periods(ctx)
    activity, leaders_by_period, per_period = _activity(ctx)
    tables.append(activity)
    tables.append(_recruitment(ctx, per_period))
    tables.append(_people(ctx, sharing))
    tables.append(_retention(ctx))
    tables.append(_concentration(ctx, scope, sharing))
    tables.append(_leaders(ctx, sharing, leaders_by_period))
    tables.extend(_dimensions(ctx))
    tables.append(_unit_warnings(ctx, programme))
    tables.append(_stopped(ctx))
    tables.extend(_named(ctx))
    health = Health(query, unit, min_group, True, tables, ctx.names_shown, first, last, units)
    health.looked_at = ctx.looked_at
    return health


def _overview(ctx: Context) -> Table | None:
    """Enrolled and active (30/90 days) per sub-unit now, folded by `advocacy.folding`: every
    row and the "All" row are sums over whole blocks of at least the minimum. None: this
    scope may not be shown (too few people, or its people are folded into a larger group)."""
    ps = PersonState
    recent30, recent90 = ctx.now - timedelta(days=30), ctx.now - timedelta(days=90)
    enrolled: dict[int, int] = defaultdict(int)
    active30: dict[int, int] = defaultdict(int)
    active90: dict[int, int] = defaultdict(int)
    for unit_id, n, a30, a90 in db.session.execute(
        select(ps.unit_id, func.count(),
               func.count(case((ps.last_share_at >= recent30, 1))),
               func.count(case((ps.last_share_at >= recent90, 1))))
        .group_by(ps.unit_id)
    ).tuples():
        key = unit_id if unit_id in ctx.units.parents else fold.ORGANISATION
        enrolled[key] += n
        active30[key] += a30
        active90[key] += a90
    folding = health_folding(ctx.units.parents, enrolled, ctx.min_group)
    ctx.folding = folding
    ctx.scope_key = ctx.unit.id if ctx.unit else fold.ORGANISATION
    if not folding.shown(ctx.scope_key):
        return None
    groups = folding.rows(ctx.scope_key)
    ctx.row_of = {u: key for key, units in groups for u in units}
    for key, units in groups:
        ctx.row_labels[key] = _row_label(ctx, key, units)
    overview = Table(
        "overview", _l("Ambassadors now"),
        [("unit", _l("Unit")), ("enrolled", _l("Enrolled")),
         ("active_30", _l("Active, last 30 days")), ("active_90", _l("Active, last 90 days")),
         ("active_share", _l("Active share of the unit (90 days), %"))],
        chart={"type": "bar", "series": ["enrolled", "active_90"]},
        note=_l("Units with fewer than %(n)d ambassadors are counted under “Other”, and so "
                "is the next smallest unit when “Other” would be too small. A count of 1 to "
                "%(less)d people reads “<%(n)d”; “–” marks a figure left out because it "
                "would let a smaller group be worked out.", n=ctx.min_group,
                less=ctx.min_group - 1),
    )
    ordered = sorted((g for g, _u in groups if g != fold.OTHER),
                     key=lambda g: (ctx.row_labels[g], g))
    if any(g == fold.OTHER for g, _u in groups):
        ordered.append(fold.OTHER)
    members = dict(groups)
    for key in ordered:
        overview.rows.append(_overview_row(folding, ctx.row_labels[key], members[key],
                                           active30, active90))
    overview.rows.append(_overview_row(folding, str(_l("All")),
                                       folding.subtree(ctx.scope_key), active30, active90))
    return overview


def health_folding(parents: dict[int, int | None], enrolled: dict[int, int],
                   min_group: int) -> fold.Folding:
    """The blocks every corps-health figure is folded by (the page, its CSV, the API)."""
    return fold.fold_units(parents, enrolled, min_group)


def period_foldings(parents: dict[int, int | None], min_group: int, wanted, resolution: str,
                    current: int) -> dict[int, fold.Folding]:
    """period -> the blocks of that period: `health_folding` over the enrolment per unit at
    the period's end (its last month, or the current one), read from the rollup's enrolment
    changes. The tree is the one of today (its history is not kept)."""
    wanted = sorted(wanted)
    if not wanted:
        return {}
    ends = [(min(period_last_month(p, resolution), current), p) for p in wanted]
    ec = EnrolmentChange
    changes = db.session.execute(
        select(ec.month, ec.unit_id, ec.delta).where(ec.month <= ends[-1][0])
        .order_by(ec.month)
    ).tuples().all()
    running: dict[int, int] = defaultdict(int)
    out: dict[int, fold.Folding] = {}
    cache: dict[tuple, fold.Folding] = {}
    at = 0
    for end, period in ends:
        while at < len(changes) and changes[at][0] <= end:
            _month, unit_id, delta = changes[at]
            key = unit_id if unit_id in parents else fold.ORGANISATION
            running[key] += int(delta or 0)
            at += 1
        sizes = tuple(sorted((u, n) for u, n in running.items() if n))
        folding = cache.get(sizes)
        if folding is None:
            folding = cache[sizes] = health_folding(parents, dict(sizes), min_group)
        out[period] = folding
    return out


def _overview_row(folding: fold.Folding, label: str, units: set[int], active30: dict,
                  active90: dict) -> dict[str, Any]:
    enrolled = folding.total(units)
    a30 = folding.count_cell(units, active30)
    a90 = folding.count_cell(units, active90)
    return {"unit": label, "enrolled": enrolled, "active_30": a30, "active_90": a90,
            "active_share": percent(a90, enrolled) if fold.is_exact(a90) else None}


def _row_label(ctx: Context, key: Any, units: set[int]) -> str:
    if key != fold.OTHER:
        return ctx.units.names.get(key, "?")
    if units == {ctx.scope_key}:
        if ctx.unit is None:
            return str(_l("No unit"))
        return str(_l("%(unit)s (directly)", unit=ctx.unit.name))
    return str(_l("Other"))


def _scope_periods(ctx: Context) -> dict[int, tuple[int, int, int, int]]:
    """Period -> (people who shared, leaders among them, their shares, the top 10 %'s)."""
    sp = ScopePeriod
    return {
        period: (active, leaders, shares, top)
        for period, active, leaders, shares, top in db.session.execute(
            select(sp.period, sp.active, sp.leaders, sp.shares, sp.top_shares)
            .where(sp.scope_id == ctx.scope_id, sp.size == ctx.size,
                   sp.period >= ctx.span[0], sp.period <= ctx.span[-1])
        ).tuples()
    }


def _unit_periods(ctx: Context) -> dict[int, tuple[dict[int, int], dict[int, int]]]:
    """Period -> (who shared, leaders among them) per unit, each person once: the counts the
    over-time tables fold by the period's blocks."""
    up = UnitPeriod
    out: dict[int, tuple[dict[int, int], dict[int, int]]] = defaultdict(
        lambda: (defaultdict(int), defaultdict(int)))
    # every unit, not only the scope's: the leaders' blocks of a period are drawn over the
    # whole tree, the same for every viewer (`leader_foldings`)
    for unit_id, period, active, leaders in db.session.execute(
        select(up.unit_id, up.period, up.active, up.leaders)
        .where(up.size == ctx.size, up.period >= ctx.span[0], up.period <= ctx.span[-1])
    ).tuples():
        key = unit_id if unit_id in ctx.units.parents else fold.ORGANISATION
        out[int(period)][0][key] += int(active or 0)
        out[int(period)][1][key] += int(leaders or 0)
    return out


def _sharing_cells(ctx: Context, period: int, sharing: dict) -> tuple[Any, Any, Any]:
    """(people who shared, leaders among them, the others) in the scope in a period, each as
    `Folding.count_cell` of that period's blocks shows it; all None when the period's
    figures are not shown."""
    if not ctx.period_shown(period):
        return None, None, None
    folding = ctx.by_period[period]
    active, leaders = sharing.get(period, ({}, {}))
    others = {u: n - leaders.get(u, 0) for u, n in active.items()}
    return (folding.count_cell(ctx.scope_units, active),
            folding.count_cell(ctx.scope_units, leaders),
            folding.count_cell(ctx.scope_units, others))


ACTIVITY_COLUMNS = ("shares", "clicks", "applications", "hires", "lag_minutes", "lag_count",
                    "early_shares")


def _activity(ctx: Context) -> tuple[Table, dict, dict]:
    """Shares, clicks and applications per period with the change on the year before; a
    period whose blocks do not make up the scope shows no figures (nor a change on it)."""
    sa = ScopeActivity
    lag = yoy_lag(ctx.resolution)
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_leader: dict[tuple[int, bool], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p, leader, *values in db.session.execute(
        select(sa.period, sa.as_leader, *[getattr(sa, c) for c in ACTIVITY_COLUMNS])
        .where(sa.scope_id == ctx.scope_id, sa.size == ctx.size,
               sa.period >= ctx.span[0] - lag, sa.period <= ctx.span[-1])
    ).tuples():
        for c, v in zip(ACTIVITY_COLUMNS, values, strict=True):
            per[p][c] += int(v or 0)
            per_leader[(p, bool(leader))][c] = int(v or 0)
    activity = Table(
        "activity", _l("Shares, clicks and applications"),
        [("period", _l("Period")), ("shares", _l("Shares")), ("clicks", _l("Clicks")),
         ("clicks_per_share", _l("Clicks per share")),
         ("applications", _l("Applications attributed")),
         ("shares_yoy", _l("Shares, change on last year, %")),
         ("clicks_yoy", _l("Clicks, change on last year, %")),
         ("applications_yoy", _l("Applications, change on last year, %"))],
        chart={"type": "line", "series": ["shares", "clicks"]},
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            activity.rows.append(_left_out(activity, period_label(p, ctx.resolution)))
            continue
        now_row = per.get(p, {})
        before = per.get(p - lag, {}) if ctx.period_shown(p - lag) else {}
        activity.rows.append({
            "period": period_label(p, ctx.resolution),
            "shares": now_row.get("shares", 0),
            "clicks": now_row.get("clicks", 0),
            "clicks_per_share": ratio(now_row.get("clicks", 0), now_row.get("shares", 0)),
            "applications": now_row.get("applications", 0),
            "shares_yoy": change(now_row.get("shares", 0), before.get("shares")),
            "clicks_yoy": change(now_row.get("clicks", 0), before.get("clicks")),
            "applications_yoy": change(now_row.get("applications", 0),
                                       before.get("applications")),
        })
    return activity, per_leader, per


def _left_out(table: Table, label: str) -> dict[str, Any]:
    """A period row whose figures are left out ("–"): the period's blocks do not make up
    the scope, so its figures could be differenced into a smaller group."""
    first = table.columns[0][0]
    return {first: label, **{key: None for key, _label in table.columns[1:]}}


def _recruitment(ctx: Context, per: dict) -> Table:
    """Applications and hires that the scope's people's shares brought (issue 13), folded
    like every figure of the period (whole blocks of that period, or left out)."""
    lag = yoy_lag(ctx.resolution)
    table = Table(
        "recruitment", _l("Applications and hires from shares"),
        [("period", _l("Period")), ("applications", _l("Applications attributed")),
         ("hires", _l("Hires attributed")),
         ("hires_per_application", _l("Hires per 100 applications")),
         ("hires_yoy", _l("Hires, change on last year, %"))],
        chart={"type": "bar", "series": ["applications", "hires"]},
        note=_l("Applications reported by the applicant-tracking system, the survey page or "
                "an import that came through a share of someone here, and those of them "
                "hired (counted when the hire was reported). Who applied is never shown."),
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            table.rows.append(_left_out(table, period_label(p, ctx.resolution)))
            continue
        now_row = per.get(p, {})
        before = per.get(p - lag, {}) if ctx.period_shown(p - lag) else {}
        applications, hires = now_row.get("applications", 0), now_row.get("hires", 0)
        table.rows.append({
            "period": period_label(p, ctx.resolution),
            "applications": applications, "hires": hires,
            "hires_per_application": percent(hires, applications),
            "hires_yoy": change(hires, before.get("hires")),
        })
    return table


def _people(ctx: Context, sharing: dict) -> Table:
    """Enrolled at the end of each period (joins and moves) and who shared in it, both
    folded by that period's blocks."""
    people = Table(
        "people", _l("Ambassadors over time"),
        [("period", _l("Period")), ("enrolled", _l("Enrolled at the end")),
         ("active", _l("Shared in the period")), ("active_share", _l("Active share, %"))],
        chart={"type": "line", "series": ["enrolled", "active"]},
        note=_l("Each period is folded by the ambassadors of that period: “–” marks a "
                "period in which this unit's people were too few to be shown apart."),
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            people.rows.append(_left_out(people, period_label(p, ctx.resolution)))
            continue
        enrolled = ctx.by_period[p].total(ctx.scope_units)
        active = _sharing_cells(ctx, p, sharing)[0]
        people.rows.append({
            "period": period_label(p, ctx.resolution),
            "enrolled": enrolled,
            "active": active,
            "active_share": percent(active, enrolled) if fold.is_exact(active) else None,
        })
    return people


def _retention(ctx: Context) -> Table:
    """Cohorts by joining quarter: the share still sharing 3, 6, 12, 24, 36 months later.

    Folded block by block (the blocks of the page, `ctx.folding`): within each block the
    joining quarters fold with `folding.fold_flat`, so every cohort figure of every scope is
    a sum of the same cells of at least the minimum — a scope's cohort minus a sub-unit's is
    again such cells. A block whose joiners in the span are fewer than the minimum is left
    out. A percentage over several cells is shown only when in each cell those still sharing
    and those not are 0 or at least the minimum.
    """
    min_group = ctx.min_group
    table = Table(
        "retention", _l("Retention by cohort"),
        [("cohort", _l("Joined")), ("size", _l("People")),
         *[(f"m{k}", _l("Still active after %(n)d months, %%", n=k)) for k in RETENTION_AFTER]],
        chart={"type": "line", "series": [f"m{k}" for k in RETENTION_AFTER]},
        note=_l("Active: shared at least once in the three months up to that point. Cohorts "
                "of fewer than %(n)d people are counted under “Other”.", n=min_group),
    )
    folding = ctx.folding
    own = _own_cohorts(ctx)  # (unit, joined month, after) -> people of that unit alone
    # Whole blocks only: a block may reach into the scope with units that have no people
    # now (but had joiners then); its cohorts count only where the whole block is shown.
    blocks = {b: units for b, units in folding.blocks_in(folding.block_units(
        ctx.scope_units)).items() if units <= ctx.scope_units}
    joined_in: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    per_block: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    block_of = {u: b for b, units in blocks.items() for u in units}
    for (unit, joined, after), n in own.items():
        if after == 0 and n and unit in block_of:
            per_block[block_of[unit]][joined // 3] += n
            joined_in[block_of[unit]][joined // 3].add(joined)
    # cells: (shown key, block) -> the (unit, joining month) pairs it sums
    cells: dict[tuple[Any, int], list[tuple[int, int]]] = defaultdict(list)
    for block, folded in fold.fold_cohorts(per_block, min_group).items():
        for quarter, target in folded.items():
            cells[(target, block)].extend((unit, j) for j in sorted(joined_in[block][quarter])
                                          for unit in blocks[block])
    rows: dict[Any, list[list[tuple[int, int]]]] = defaultdict(list)
    for (target, _block), members in cells.items():
        rows[target].append(members)
    order = sorted(k for k in rows if k != OTHER) + ([OTHER] if OTHER in rows else [])
    for key in order:
        parts = rows[key]
        people = sum(own.get((u, j, 0), 0) for part in parts for u, j in part)
        row: dict[str, Any] = {
            "cohort": str(_l("Other")) if key == OTHER else period_label(key, "quarter"),
            "size": fold.scope_count(people, min_group),
        }
        for k in RETENTION_AFTER:
            eligible = still = 0
            safe = True
            for part in parts:
                e = sum(own.get((u, j, 0), 0) for u, j in part if j + k <= ctx.current)
                n = sum(own.get((u, j, k), 0) for u, j in part if j + k <= ctx.current)
                eligible, still = eligible + e, still + n
                safe = safe and _safe_group(n, min_group) and _safe_group(e - n, min_group)
            if eligible < min_group or eligible < people or (len(parts) > 1 and not safe):
                row[f"m{k}"] = None
                continue
            row[f"m{k}"] = percent(still, eligible)
        table.rows.append(row)
    return table


def _own_cohorts(ctx: Context) -> dict[tuple[int, int, int], int]:
    """The cohort rows per unit alone: a unit's scope row minus its sub-units' (a person
    counts in the unit they joined in, once), for the units of the scope."""
    co = Cohort
    scoped: dict[tuple[int, int, int], int] = defaultdict(int)
    scope = None if ctx.unit is None else ctx.scope_units
    for scope_id, joined, after, n in db.session.execute(
        select(co.scope_id, co.joined_month, co.after, co.people)
        .where(co.joined_month >= ctx.first, co.joined_month <= ctx.last,
               _in_scope(co.scope_id, scope))
    ).tuples():
        scoped[(int(scope_id), int(joined), int(after))] += int(n or 0)
    children = ctx.folding.children
    own: dict[tuple[int, int, int], int] = {}
    for (unit, joined, after), n in scoped.items():
        if unit not in ctx.scope_units:
            continue
        below = sum(scoped.get((c, joined, after), 0) for c in children.get(unit, ()))
        if n - below:
            own[(unit, joined, after)] = n - below
    return own


def _concentration(ctx: Context, scope: dict, sharing: dict) -> Table:
    table = Table(
        "concentration", _l("Concentration"),
        [("period", _l("Period")), ("active", _l("Ambassadors who shared")),
         ("top_share", _l("Share of all shares made by the top 10 %, %"))],
        chart={"type": "line", "series": ["top_share"]},
        note=_l("A corps carried by a few is fragile: a high share means few people do most "
                "of the sharing."),
    )
    for p in ctx.span:
        _n, _leaders, total, top = scope.get(p, (0, 0, 0, 0))
        active = _sharing_cells(ctx, p, sharing)[0]
        enough = fold.is_exact(active) and active >= ctx.min_group
        table.rows.append({
            "period": period_label(p, ctx.resolution),
            "active": active,
            "top_share": percent(top, total) if enough else None,
        })
    return table


def _leader_count(ctx: Context, sharing: dict, period: int, hidden: bool) -> int | str | None:
    """Leaders who shared in the scope in a period: exact only where their figures are shown
    (a sum over whole blocks of the leaders' folding), else "<5" for 1 … 4 or left out; never
    exact by another folding, which could be set against it."""
    n = sum(sharing.get(period, ({}, {}))[1].get(u, 0) for u in ctx.scope_units)
    if not hidden or n == 0:
        return n
    return fold.below(ctx.min_group) if n < ctx.min_group else None


def leader_foldings(parents: dict[int, int | None], min_group: int, periods,
                    sharing: dict) -> dict[int, tuple[fold.Folding, fold.Folding]]:
    """period -> (blocks of leaders who shared in it, blocks of the other ambassadors who
    shared in it), each `fold_units` over the whole tree. The leaders-go-first figures of a
    scope (shares, hours, how soon) are sums over the people who shared; a period's figures
    are shown only when the scope is made of whole blocks of both, so any figure, or any
    difference between scopes, is about at least the minimum leaders and the minimum
    ambassadors who shared (never one leader's hours), however few leaders a unit has."""
    out: dict[int, tuple[fold.Folding, fold.Folding]] = {}
    for p in periods:
        active, leaders = sharing.get(p, ({}, {}))
        others = {u: n - leaders.get(u, 0) for u, n in active.items()}
        out[p] = (fold.fold_units(parents, leaders, min_group),
                  fold.fold_units(parents, others, min_group))
    return out


def _leaders(ctx: Context, sharing: dict, per_leader: dict) -> Table:
    """Leaders' own sharing next to the ambassadors': how many, how much, how soon."""
    leader_count = db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(Role, and_(Role.user_id == User.id, Role.name == RoleName.LEADER))
        .where(User.active.is_(True), _in_scope(func.coalesce(User.unit_id, 0), ctx.scope_ids))
    ) or 0
    leaders = Table(
        "leaders", _l("Leaders go first"),
        [("period", _l("Period")), ("leaders_sharing", _l("Leaders who shared")),
         ("leader_shares", _l("Leaders' shares")),
         ("leader_hours", _l("Leaders: hours from publication to share (average)")),
         ("leader_early", _l("Leaders: shared within a day, %")),
         ("other_shares", _l("Ambassadors' shares")),
         ("other_hours", _l("Ambassadors: hours from publication to share (average)")),
         ("other_early", _l("Ambassadors: shared within a day, %"))],
        chart={"type": "bar", "series": ["leader_hours", "other_hours"]},
    )
    private = leader_count < ctx.min_group
    if private:
        leaders.note = _l("Fewer than %(n)d leaders here: their figures are left out.",
                          n=ctx.min_group)
    sharers = leader_foldings(ctx.units.parents, ctx.min_group, ctx.span, sharing)
    for p in ctx.span:
        lead, rest = per_leader.get((p, True), {}), per_leader.get((p, False), {})
        # The activity table shows all shares: leaders' and ambassadors' figures are shown
        # together or not at all, else one side is the total minus the other. Each side is
        # a sum over whole blocks of at least the minimum people who shared in the period.
        by_leaders, by_others = sharers[p]
        hidden = private or not (ctx.period_shown(p) and by_leaders.shown(ctx.scope_key)
                                 and by_others.shown(ctx.scope_key))
        leaders.rows.append({
            "period": period_label(p, ctx.resolution),
            "leaders_sharing": None if private else _leader_count(ctx, sharing, p, hidden),
            "leader_shares": None if hidden else lead.get("shares", 0),
            "leader_hours": None if hidden else ratio(lead.get("lag_minutes"),
                                                      (lead.get("lag_count") or 0) * 60, 1),
            "leader_early": None if hidden else percent(lead.get("early_shares"),
                                                        lead.get("lag_count")),
            "other_shares": None if hidden else rest.get("shares", 0),
            "other_hours": None if hidden else ratio(rest.get("lag_minutes"),
                                                     (rest.get("lag_count") or 0) * 60, 1),
            "other_early": None if hidden else percent(rest.get("early_shares"),
                                                       rest.get("lag_count")),
        })
    return leaders


def _dimensions(ctx: Context) -> list[Table]:
    """Shares by network and by topic per period, from the per-scope sums the rollup keeps."""
    res = ctx.resolution
    d = ScopeDim
    sums: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for dim, key, p, shares in db.session.execute(
        select(d.dim, d.key, d.period, d.shares)
        .where(d.scope_id == ctx.scope_id, d.size == ctx.size, d.period >= ctx.span[0],
               d.period <= ctx.span[-1])
    ).tuples():
        if ctx.period_shown(int(p)):  # what is left out does not even choose the topics
            sums[(dim, key)][int(p)] += int(shares or 0)
    networks = Table(
        "networks", _l("Shares by network"),
        [("period", _l("Period"))] + [(n.value, _network_name(n.value)) for n in Network],
        chart={"type": "bar", "series": [n.value for n in Network]},
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            networks.rows.append(_left_out(networks, period_label(p, res)))
            continue
        networks.rows.append({"period": period_label(p, res),
                              **{n.value: sums[("network", n.value)].get(p, 0)
                                 for n in Network}})
    topic_totals = {key: sum(v.values()) for (dim, key), v in sums.items() if dim == "topic"}
    top = sorted(topic_totals, key=lambda k: (-topic_totals[k], k))[:TOPICS_SHOWN]
    names = dict(db.session.execute(
        select(Topic.id, Topic.name).where(Topic.id.in_([int(k) for k in top] or [-1]))
    ).tuples().all())
    topics = Table(
        "topics", _l("Shares by topic"),
        [("period", _l("Period"))] + [(f"t{k}", names.get(int(k), "?")) for k in top]
        + [("t_other", _l("Other topics"))],
        chart={"type": "line", "series": [f"t{k}" for k in top] + ["t_other"]},
        note=_l("A post with several topics counts once for each."),
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            topics.rows.append(_left_out(topics, period_label(p, res)))
            continue
        row = {"period": period_label(p, res)}
        for k in top:
            row[f"t{k}"] = sums[("topic", k)].get(p, 0)
        row["t_other"] = sum(sums[("topic", k)].get(p, 0) for k in topic_totals if k not in top)
        topics.rows.append(row)
    return [networks, topics]


def _network_name(network: str) -> str:
    return {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X",
            "instagram": "Instagram"}.get(network, network)


def _unit_warnings(ctx: Context, programme) -> Table:
    """Groups whose shares in the last three full months fell against a year before
    (about now, whatever span is chosen)."""
    threshold = programme.warning_drop_percent
    table = Table(
        "warnings", _l("Early warning: units sharing less than a year ago"),
        [("unit", _l("Unit")), ("recent", _l("Shares, last three months")),
         ("year_before", _l("Same months a year before")),
         ("change", _l("Change, %"))],
        note=_l("Units whose shares in the last three full months fell by more than "
                "%(pct)d %% against the same months a year before.", pct=threshold),
    )
    um, current = UnitMonth, ctx.current
    recent: dict[Any, int] = defaultdict(int)
    before: dict[Any, int] = defaultdict(int)
    lately = um.month >= current - 3
    for unit_id, now_sum, then_sum in db.session.execute(
        select(um.unit_id, func.sum(case((lately, um.shares), else_=0)),
               func.sum(case((lately, 0), else_=um.shares)))
        .where(or_(um.month.between(current - 3, current - 1),
                   um.month.between(current - 15, current - 13)),
               _in_scope(um.unit_id, ctx.scope_ids))
        .group_by(um.unit_id)
    ).tuples():
        target = ctx.row_of.get(unit_id or 0, OTHER)
        recent[target] += int(now_sum or 0)
        if then_sum:
            before[target] += int(then_sum)
    for group in sorted(before, key=lambda g: (g == OTHER, ctx.row_labels.get(g, ""))):
        delta = change(recent[group], before[group])
        if delta is not None and -delta > threshold:
            table.rows.append({
                "unit": ctx.row_labels.get(group, str(_l("Other"))),
                "recent": recent[group], "year_before": before[group], "change": delta,
            })
    return table


def _stopped_people(ctx: Context) -> list[tuple[int, str, int | None, int, int | None]]:
    """(id, name, unit now, months with shares in the year before, last month with a share)
    of the regulars in scope who went quiet and still take part; from the people table when
    it is as of this month."""
    ps = PersonState
    in_scope = and_(User.active.is_(True), User.joined_at.is_not(None), User.left_at.is_(None),
                    _in_scope(func.coalesce(User.unit_id, 0), ctx.scope_ids))
    as_of = db.session.get(RollupState, "people_month")
    if as_of is not None and as_of.value == ctx.current:
        # Few people stopped: find them by the flag first, then read who they are now.
        flagged = {user_id: (regular, last) for user_id, regular, last in db.session.execute(
            select(ps.user_id, ps.regular_months, ps.last_share_month)
            .where(ps.stopped.is_(True))
        ).tuples()}
        people = db.session.execute(
            select(User.id, User.name, User.unit_id)
            .where(User.id.in_(flagged or [-1]), in_scope).order_by(User.name, User.id)
        ).tuples().all() if flagged else []
        return [(user_id, name, unit_id, *flagged[user_id])
                for user_id, name, unit_id in people]
    # The month turned and the rollup has not run since: read the monthly rows instead.
    pm = PersonMonth
    quiet_from = ctx.current - STOPPED_QUIET + 1
    lookback_from = quiet_from - STOPPED_LOOKBACK
    members = {user_id: (name, unit_id) for user_id, name, unit_id in db.session.execute(
        select(ps.user_id, User.name, User.unit_id).join(User, User.id == ps.user_id)
        .where(in_scope)
    ).tuples()}
    out = []
    for user_id, before, during, last in db.session.execute(
        select(pm.user_id,
               func.count(func.distinct(case((pm.month < quiet_from, pm.month)))),
               func.count(func.distinct(case((pm.month >= quiet_from, pm.month)))),
               func.max(pm.month))
        .where(pm.month >= lookback_from, pm.shares > 0).group_by(pm.user_id)
    ).tuples():
        if user_id in members and before >= STOPPED_MIN_MONTHS and during == 0:
            out.append((user_id, *members[user_id], int(before), int(last)))
    return sorted(out, key=lambda row: (row[1], row[0]))


def _stopped(ctx: Context) -> Table:
    """Regulars who went quiet: by name to curators and administrators (the rule in
    `advocacy.privacy.visibility`, kind STOPPED; every name shown is a logged look), else
    counts per row folded like every other count of people."""
    stopped = _stopped_people(ctx)
    if ctx.names_shown:
        table = Table(
            "stopped", _l("Early warning: regular ambassadors who stopped"),
            [("name", _l("Name")), ("unit", _l("Unit")),
             ("active_months", _l("Months with shares in the year before")),
             ("last_month", _l("Last month with a share"))],
            note=_l("Shared in at least %(n)d of 12 months, then nothing for three months. "
                    "Names are shown to curators and administrators only; each person sees "
                    "in their privacy log that you looked.", n=STOPPED_MIN_MONTHS),
        )
        people = {u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_([row[0] for row in stopped] or [-1])))}
        ordered = [row for row in stopped
                   if ctx.viewer.sees(people.get(row[0])).may(visibility.STOPPED)]
        if ctx.rows is not None and len(ordered) > ctx.rows:
            table.total_rows, ordered = len(ordered), ordered[:ctx.rows]
        for _user_id, name, unit_id, regular, last in ordered:
            table.rows.append({
                "name": name, "unit": ctx.units.names.get(unit_id, ""),
                "active_months": regular,
                "last_month": month_key(last) if last is not None else "",
            })
        ctx.seen("health.stopped", [row[0] for row in ordered
                                    if ctx.viewer.sees(people[row[0]]).logged])
        return table
    table = Table(
        "stopped", _l("Early warning: regular ambassadors who stopped"),
        [("unit", _l("Unit")), ("people", _l("People who stopped"))],
        note=_l("Shared in at least %(n)d of 12 months, then nothing for three months. "
                "Fewer than %(min)d people are not shown.", n=STOPPED_MIN_MONTHS,
                min=ctx.min_group),
    )
    per_unit: dict[int, int] = defaultdict(int)
    for _user_id, _name, unit_id, _regular, _last in stopped:
        per_unit[unit_id or 0] += 1
    members: dict[Any, set[int]] = defaultdict(set)
    for unit_id, key in ctx.row_of.items():
        members[key].add(unit_id)
    shown = {ctx.row_of.get(u, OTHER) for u in per_unit}
    for key in sorted(shown, key=lambda g: (g == OTHER, ctx.row_labels.get(g, ""))):
        table.rows.append({
            "unit": ctx.row_labels.get(key, str(_l("Other"))),
            "people": ctx.folding.count_cell(members[key], per_unit),
        })
    return table


def _named(ctx: Context) -> list[Table]:
    """Kudos and activity of people who opted in to being named: the unit's own page.

    Who may be named is the rule in `advocacy.privacy.visibility` (kinds KUDOS and ACTIVITY),
    read live from the people themselves, never from a rollup; every person shown is a logged look.
    """
    kudos = Table(
        "kudos", _l("Kudos"),
        [("name", _l("Ambassador")), ("by", _l("From")), ("message", _l("Message")),
         ("date", _l("Date"))],
        note=_l("Only people who agreed to be named are shown."),
    )
    people = Table(
        "named", _l("Ambassadors who agreed to be named"),
        [("name", _l("Name")), ("shares", _l("Shares")), ("clicks", _l("Clicks")),
         ("user_id", "")],
        note=_l("Only people who agreed to be named are shown; each sees in their privacy "
                "log that their figures were shown to you."),
    )
    ambassador = select(Role.id).where(Role.user_id == User.id,
                                       Role.name == RoleName.AMBASSADOR).exists()
    # narrows the candidates in SQL; the rule below decides
    named = and_(User.named_opt_in.is_(True), User.active.is_(True),
                 User.joined_at.is_not(None), User.left_at.is_(None), ambassador,
                 _in_scope(func.coalesce(User.unit_id, 0), ctx.scope_ids))
    candidates = [u for u in db.session.scalars(
        select(User).where(named).order_by(User.name, User.id)).all()]
    listed = [u for u in candidates if ctx.viewer.sees(u).may(visibility.ACTIVITY)]
    if not listed:
        return [kudos, people]
    if ctx.rows is not None and len(listed) > ctx.rows:
        people.total_rows, listed = len(listed), listed[:ctx.rows]
    names = {u.id: u.name for u in listed}
    ordered = [u.id for u in listed]
    # The year's kudos are few: read them first, then keep those to people who may be named.
    may_kudos = {u.id: u.name for u in candidates if ctx.viewer.sees(u).may(visibility.KUDOS)}
    sender = User.__table__.alias("sender")
    recent = db.session.execute(
        select(Kudos.to_user_id, sender.c.name, Kudos.message, Kudos.created_at)
        .outerjoin(sender, sender.c.id == Kudos.from_user_id)
        .where(Kudos.created_at >= ctx.now - timedelta(days=365),
               Kudos.to_user_id.in_(list(may_kudos) or [-1]))
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
    ).tuples().all()
    for to_id, by, message, created in recent:
        if len(kudos.rows) < 50:
            kudos.rows.append({"name": may_kudos[to_id], "by": by or "", "message": message,
                               "date": created.date().isoformat()})
    pm = PersonMonth
    sums: dict[int, tuple] = {}
    for chunk in (ordered[i:i + 500] for i in range(0, len(ordered), 500)):
        sums.update({uid: (sh, cl) for uid, sh, cl in db.session.execute(
            select(pm.user_id, func.sum(pm.shares), func.sum(pm.clicks))
            .where(pm.user_id.in_(chunk), pm.month >= ctx.first, pm.month <= ctx.last)
            .group_by(pm.user_id)
        ).tuples()})
    for user_id in ordered:
        sh, cl = sums.get(user_id, (0, 0))
        people.rows.append({"name": names[user_id], "shares": int(sh or 0),
                            "clicks": int(cl or 0), "user_id": user_id})
    shown_kudos = {to_id for to_id, *_rest in recent[:50]}
    ctx.seen("health.named", [u.id for u in listed if ctx.viewer.sees(u).logged])
    ctx.seen("health.kudos", [u for u in shown_kudos if u != ctx.viewer.user.id])
    return [kudos, people]


# --- one person's page (leaders, curators, admins, the person) ------------------------------

PERSON_WHAT = "person.page"


def person_page(person: User, seen: visibility.PersonView) -> dict[str, Any]:
    """What a viewer sees on a person's page: only the kinds the rule allows. The
    transparency page "what my leader sees" calls this too, for the same person."""
    measures = seen.measures()
    years = years_side_by_side(person.id) if measures else []
    return {
        "name": person.name if seen.may(visibility.NAME) else None,
        "measures": measures,
        "years": [{"year": y["year"], **{m: y.get(m, 0) for m in measures}} for y in years],
        "kudos": kudos_for(person.id) if seen.may(visibility.KUDOS) else None,
        "endorsed": endorsed_shares(person.id) if seen.may(visibility.ACTIVITY) else None,
    }


# --- CSV -----------------------------------------------------------------------------------

def to_csv(table: Table) -> str:
    """The table as the page folds it, through the product's one CSV writer (csvsafe)."""
    columns = table.shown_columns()
    return csvsafe.to_csv([str(label) for _, label in columns],
                          ([row.get(k) for k, _ in columns] for row in table.rows))
