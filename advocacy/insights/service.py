"""Corps health over years (M7, M8), computed from the monthly rollups only — never raw events.

Privacy (M: privacy by design): every figure about people is about a group of at least the
programme's minimum size; smaller sub-units and cohorts are folded into "Other", and a figure
about fewer people is left out (None). Names appear only where the person opted in, and in
the early-warning list only for curators and administrators.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal_column, select

from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.service import descendant_ids
from advocacy.activity.models import PersonMonth, UnitDimMonth, UnitMonth
from advocacy.activity.service import (
    const,
    month_key,
    month_of,
    parse_month,
    unit_at,
    unit_history,
)
from advocacy.content.models import Network, Topic
from advocacy.endorsements.models import Kudos
from advocacy.extensions import db
from advocacy.programme.service import get_programme

RESOLUTIONS = {"month": 1, "quarter": 3, "year": 12}
MAX_YEARS = 10
EARLIEST_YEAR = 2000
RETENTION_AFTER = (3, 6, 12, 24, 36)  # months after joining
RETENTION_WINDOW = 3  # "still active after k months": shared in months k-2 … k
STOPPED_LOOKBACK = 12  # months before the quiet spell in which they were regular
STOPPED_MIN_MONTHS = 6  # active in at least this many of them …
STOPPED_QUIET = 3  # … and silent for the last three months
TOP_SHARE = 10  # concentration: the top 10 % of active ambassadors
TOPICS_SHOWN = 6
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


def scope_choices(viewer: User) -> list[tuple[int, str]]:
    allowed = allowed_unit_ids(viewer)
    stmt = select(Unit).order_by(Unit.name)
    if allowed is not None:
        stmt = stmt.where(Unit.id.in_(allowed or {-1}))
    return [(u.id, u.path()) for u in db.session.scalars(stmt)]


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
                {"label": str(labels[key]), "data": [row.get(key) for row in self.rows]}
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

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def charts(self) -> list[dict]:
        return [c for c in (t.chart_data() for t in self.tables) if c]


# --- reading the rollups -------------------------------------------------------------------

def _scope_ids(unit: Unit | None) -> set[int] | None:
    return None if unit is None else descendant_ids([unit.id])


def _in_scope(column, ids: set[int] | None):
    return literal_column("1") == 1 if ids is None else column.in_(ids)


def _groups(unit: Unit | None) -> tuple[dict[int, int], dict[int, str]]:
    """Map every unit in scope to the group it is shown in: a child unit with its sub-units."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).tuples().all())
    names = dict(db.session.execute(select(Unit.id, Unit.name)).tuples().all())
    top = unit.id if unit else None
    mapping: dict[int, int] = {}
    for uid in parents:
        chain, node = [], uid
        while node is not None and node != top:
            chain.append(node)
            node = parents.get(node)
        if node != top:
            continue  # outside the scope
        mapping[uid] = chain[-1] if chain else uid  # the child just below the top, or top
    labels = {gid: names[gid] for gid in set(mapping.values())}
    if unit is not None:
        labels[unit.id] = str(_l("%(unit)s (directly)", unit=unit.name))
    else:
        mapping[0] = 0
        labels[0] = str(_l("No unit"))
    return mapping, labels


def _fold(sizes: dict[Any, int], min_group: int) -> dict[Any, Any]:
    """Groups smaller than the minimum go to OTHER; returns group -> shown group."""
    return {g: (g if n >= min_group else OTHER) for g, n in sizes.items()}


def _ambassadors(scope_ids: set[int] | None):
    """Enrolled ambassadors: (user id, joined at, named opt-in, current unit)."""
    rows = db.session.execute(
        select(User.id, func.min(Role.created_at), User.named_opt_in, User.unit_id)
        .join(Role, and_(Role.user_id == User.id, Role.name == RoleName.AMBASSADOR))
        .where(User.active.is_(True)).group_by(User.id, User.named_opt_in, User.unit_id)
    ).tuples().all()
    return rows


def corps_health(
    viewer: User, unit: Unit | None, query: Query, *, now: datetime, tz: ZoneInfo
) -> Health:
    programme = get_programme()
    min_group = max(1, programme.min_group_size)
    scope_ids = _scope_ids(unit)
    names_shown = sees_everything(viewer)
    current = month_of(now, tz)
    res = query.resolution
    span = periods(query)
    lag = yoy_lag(res)
    size = RESOLUTIONS[res]

    def in_scope(uid: int | None) -> bool:
        return scope_ids is None or (uid or 0) in scope_ids

    # People: enrolment over time from the unit history (not from events).
    history = unit_history()
    ambassadors = _ambassadors(scope_ids)
    members_now = [a for a in ambassadors if in_scope(a[3])]
    enough = len(members_now) >= min_group
    tables: list[Table] = []
    if not enough:
        return Health(query, unit, min_group, False, tables, names_shown)

    # --- sub-units now: enrolled, active in the last 30/90 days --------------------------
    mapping, labels = _groups(unit)
    recent_from = month_of(now - timedelta(days=90), tz)
    last_share: dict[int, datetime] = {}
    for user_id, last_at in db.session.execute(
        select(PersonMonth.user_id, func.max(PersonMonth.last_share_at))
        .where(PersonMonth.month >= recent_from, PersonMonth.shares > 0)
        .group_by(PersonMonth.user_id)
    ).tuples():
        if last_at is not None:
            last_share[user_id] = last_at
    enrolled_by_group: dict[Any, int] = defaultdict(int)
    active30: dict[Any, int] = defaultdict(int)
    active90: dict[Any, int] = defaultdict(int)
    group_of_user: dict[int, Any] = {}
    for user_id, _joined, _opted, unit_id in members_now:
        group = mapping.get(unit_id or 0, unit.id if unit else 0)
        group_of_user[user_id] = group
        enrolled_by_group[group] += 1
        seen = last_share.get(user_id)
        if seen and seen >= now - timedelta(days=90):
            active90[group] += 1
            if seen >= now - timedelta(days=30):
                active30[group] += 1
    folded = _fold(enrolled_by_group, min_group)
    shown: dict[Any, dict] = {}
    for group, target in folded.items():
        row = shown.setdefault(target, {"enrolled": 0, "active_30": 0, "active_90": 0})
        row["enrolled"] += enrolled_by_group[group]
        row["active_30"] += active30[group]
        row["active_90"] += active90[group]
    overview = Table(
        "overview", _l("Ambassadors now"),
        [("unit", _l("Unit")), ("enrolled", _l("Enrolled")),
         ("active_30", _l("Active, last 30 days")), ("active_90", _l("Active, last 90 days")),
         ("active_share", _l("Active share of the unit (90 days), %"))],
        chart={"type": "bar", "series": ["enrolled", "active_90"]},
        note=_l("Units with fewer than %(n)d ambassadors are counted under “Other”.",
                n=min_group),
    )
    ordered = sorted((g for g in shown if g != OTHER), key=lambda g: labels.get(g, ""))
    if OTHER in shown:
        ordered.append(OTHER)
    for group in ordered:
        row = shown[group]
        small = row["enrolled"] < min_group
        overview.rows.append({
            "unit": str(_l("Other")) if group == OTHER else labels.get(group, "?"),
            "enrolled": None if small else row["enrolled"],
            "active_30": None if small else row["active_30"],
            "active_90": None if small else row["active_90"],
            "active_share": None if small else percent(row["active_90"], row["enrolled"]),
        })
    total = {k: sum(enrolled.get(k, 0) for enrolled in shown.values())
             for k in ("enrolled", "active_30", "active_90")}
    overview.rows.append({"unit": str(_l("All")), **total,
                          "active_share": percent(total["active_90"], total["enrolled"])})
    tables.append(overview)

    # --- activity per period with year-over-year change ------------------------------------
    first_needed = span[0] * size - 12
    um = UnitMonth
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_leader: dict[tuple[int, bool], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unit_recent: dict[tuple[Any, int], int] = defaultdict(int)
    cols = ("shares", "clicks", "applications", "lag_minutes", "lag_count", "early_shares")
    for month, unit_id, leader, *values in db.session.execute(
        select(um.month, um.unit_id, um.as_leader, *[func.sum(getattr(um, c)) for c in cols])
        .where(um.month >= min(first_needed, current - 15), um.month <= query.last_month,
               _in_scope(um.unit_id, scope_ids))
        .group_by(um.month, um.unit_id, um.as_leader)
    ).tuples():
        data = dict(zip(cols, (int(v or 0) for v in values), strict=True))
        p = period_of(month, res)
        for c in cols:
            per[p][c] += data[c]
            per_leader[(p, bool(leader))][c] += data[c]
        unit_recent[(mapping.get(unit_id, unit.id if unit else 0), month)] += data["shares"]
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
    for p in span:
        now_row, before = per.get(p, {}), per.get(p - lag, {})
        activity.rows.append({
            "period": period_label(p, res),
            "shares": now_row.get("shares", 0),
            "clicks": now_row.get("clicks", 0),
            "clicks_per_share": ratio(now_row.get("clicks", 0), now_row.get("shares", 0)),
            "applications": now_row.get("applications", 0),
            "shares_yoy": change(now_row.get("shares", 0), before.get("shares")),
            "clicks_yoy": change(now_row.get("clicks", 0), before.get("clicks")),
            "applications_yoy": change(now_row.get("applications", 0),
                                       before.get("applications")),
        })
    tables.append(activity)

    # --- people over time: enrolled at the end of each period, active in it ---------------
    joined_sorted: list[datetime] = []
    moved: list[tuple[int, datetime]] = []
    for user_id, joined, _opted, _unit in ambassadors:
        stints = history.get(user_id, [])
        if len(stints) <= 1:
            if in_scope(stints[0].unit_id if stints else _unit):
                joined_sorted.append(joined)
        else:
            moved.append((user_id, joined))
    joined_sorted.sort()
    pm = PersonMonth
    period_expr = pm.month // const(size)
    active_sql = (
        select(period_expr, func.count(func.distinct(pm.user_id)))
        .where(pm.month >= span[0] * size, pm.month <= query.last_month, pm.shares > 0,
               _in_scope(pm.unit_id, scope_ids))
        .group_by(period_expr)
    )
    active_by_period = {int(p): int(n) for p, n in db.session.execute(active_sql).tuples()}
    people = Table(
        "people", _l("Ambassadors over time"),
        [("period", _l("Period")), ("enrolled", _l("Enrolled at the end")),
         ("active", _l("Shared in the period")), ("active_share", _l("Active share, %"))],
        chart={"type": "line", "series": ["enrolled", "active"]},
    )
    for p in span:
        end_month = min(period_last_month(p, res), current)
        end = _month_end(end_month, tz, now)
        enrolled = bisect.bisect_right(joined_sorted, end)
        for user_id, joined in moved:
            if joined <= end and in_scope(unit_at(history[user_id], end)):
                enrolled += 1
        active = active_by_period.get(p, 0)
        people.rows.append({
            "period": period_label(p, res),
            "enrolled": enrolled,
            "active": active if active >= min_group or active == 0 else None,
            "active_share": percent(active, enrolled) if active >= min_group else None,
        })
    tables.append(people)

    # --- retention by cohort (the quarter people joined in) -------------------------------
    tables.append(_retention(ambassadors, history, scope_ids, query, current, min_group, tz))

    # --- concentration: share of all shares made by the top 10 % ---------------------------
    tables.append(_concentration(query, scope_ids, min_group))

    # --- leaders' own participation ------------------------------------------------------
    leader_count = db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(Role, and_(Role.user_id == User.id, Role.name == RoleName.LEADER))
        .where(User.active.is_(True), _in_scope(func.coalesce(User.unit_id, 0), scope_ids))
    ) or 0
    leaders_sharing = dict(db.session.execute(
        select(period_expr, func.count(func.distinct(pm.user_id)))
        .where(pm.month >= span[0] * size, pm.month <= query.last_month, pm.shares > 0,
               pm.as_leader.is_(True), _in_scope(pm.unit_id, scope_ids))
        .group_by(period_expr)
    ).tuples().all())
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
    private = leader_count < min_group
    if private:
        leaders.note = _l("Fewer than %(n)d leaders here: their figures are left out.",
                          n=min_group)
    for p in span:
        lead, rest = per_leader.get((p, True), {}), per_leader.get((p, False), {})
        leaders.rows.append({
            "period": period_label(p, res),
            "leaders_sharing": None if private else leaders_sharing.get(p, 0),
            "leader_shares": None if private else lead.get("shares", 0),
            "leader_hours": None if private else ratio(lead.get("lag_minutes"),
                                                       (lead.get("lag_count") or 0) * 60, 1),
            "leader_early": None if private else percent(lead.get("early_shares"),
                                                         lead.get("lag_count")),
            "other_shares": rest.get("shares", 0),
            "other_hours": ratio(rest.get("lag_minutes"), (rest.get("lag_count") or 0) * 60, 1),
            "other_early": percent(rest.get("early_shares"), rest.get("lag_count")),
        })
    tables.append(leaders)

    # --- networks and topics over time ----------------------------------------------------
    tables.extend(_dimensions(query, scope_ids))

    # --- early warnings -------------------------------------------------------------------
    tables.append(_unit_warnings(unit_recent, folded, labels, current, programme))
    tables.append(_stopped(members_now, group_of_user, folded, labels, current,
                           names_shown, min_group))

    # --- recognition and named people (only those who opted in) ---------------------------
    tables.extend(_named(members_now, query, now, names_shown))
    return Health(query, unit, min_group, True, tables, names_shown)


def _month_end(month: int, tz: ZoneInfo, now: datetime) -> datetime:
    from advocacy.activity.service import month_start

    return min(month_start(month + 1, tz) - timedelta(microseconds=1), now)


def _retention(ambassadors, history, scope_ids, query: Query, current: int, min_group: int,
               tz: ZoneInfo) -> Table:
    table = Table(
        "retention", _l("Retention by cohort"),
        [("cohort", _l("Joined")), ("size", _l("People")),
         *[(f"m{k}", _l("Still active after %(n)d months, %%", n=k)) for k in RETENTION_AFTER]],
        chart={"type": "line", "series": [f"m{k}" for k in RETENTION_AFTER]},
        note=_l("Active: shared at least once in the three months up to that point. Cohorts "
                "of fewer than %(n)d people are counted under “Other”.", n=min_group),
    )
    cohorts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for user_id, joined, _opted, _unit in ambassadors:
        join_month = month_of(joined, tz)
        if not query.first_month <= join_month <= query.last_month:
            continue
        unit_then = unit_at(history.get(user_id, []), joined)
        if scope_ids is not None and (unit_then or 0) not in scope_ids:
            continue
        cohorts[join_month // 3].append((user_id, join_month))
    if not cohorts:
        return table
    members = {uid for group in cohorts.values() for uid, _ in group}
    active: set[tuple[int, int]] = set()
    pm = PersonMonth
    for user_id, month in db.session.execute(
        select(pm.user_id, pm.month).where(
            pm.shares > 0, pm.month >= query.first_month,
            pm.user_id.in_(members) if len(members) < 1000 else literal_column("1") == 1,
        ).distinct()
    ).tuples():
        if user_id in members:
            active.add((user_id, month))
    folded = _fold({q: len(v) for q, v in cohorts.items()}, min_group)
    shown: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for quarter, target in folded.items():
        shown[target].extend(cohorts[quarter])
    order = sorted(k for k in shown if k != OTHER) + ([OTHER] if OTHER in shown else [])
    for key in order:
        people = shown[key]
        row: dict[str, Any] = {
            "cohort": str(_l("Other")) if key == OTHER else period_label(key, "quarter"),
            "size": len(people) if len(people) >= min_group else None,
        }
        for k in RETENTION_AFTER:
            eligible = [(u, j) for u, j in people if j + k <= current]
            if len(eligible) < min_group or len(eligible) < len(people):
                row[f"m{k}"] = None
                continue
            still = sum(
                1 for u, j in eligible
                if any((u, m) in active for m in range(j + k - RETENTION_WINDOW + 1, j + k + 1))
            )
            row[f"m{k}"] = percent(still, len(eligible))
        table.rows.append(row)
    return table


def _concentration(query: Query, scope_ids, min_group: int) -> Table:
    table = Table(
        "concentration", _l("Concentration"),
        [("period", _l("Period")), ("active", _l("Ambassadors who shared")),
         ("top_share", _l("Share of all shares made by the top 10 %, %"))],
        chart={"type": "line", "series": ["top_share"]},
        note=_l("A corps carried by a few is fragile: a high share means few people do most "
                "of the sharing."),
    )
    size = RESOLUTIONS[query.resolution]
    pm = PersonMonth
    per_person = (
        select((pm.month // const(size)).label("p"), pm.user_id, func.sum(pm.shares).label("s"))
        .where(pm.month >= query.first_month, pm.month <= query.last_month, pm.shares > 0,
               _in_scope(pm.unit_id, scope_ids))
        .group_by(pm.month // const(size), pm.user_id)
        .subquery()
    )
    ranked = select(
        per_person.c.p, per_person.c.s,
        func.row_number().over(partition_by=per_person.c.p,
                               order_by=per_person.c.s.desc()).label("rn"),
        func.count().over(partition_by=per_person.c.p).label("n"),
    ).subquery()
    top_n = (ranked.c.n + const(100 // TOP_SHARE - 1)) // const(100 // TOP_SHARE)  # ceil(n/10)
    rows = db.session.execute(
        select(ranked.c.p, func.count(), func.sum(ranked.c.s),
               func.sum(case((ranked.c.rn <= top_n, ranked.c.s), else_=0)))
        .group_by(ranked.c.p)
    ).tuples().all()
    found = {int(p): (int(n), int(total or 0), int(top or 0)) for p, n, total, top in rows}
    for p in periods(query):
        n, total, top = found.get(p, (0, 0, 0))
        enough = n >= min_group
        table.rows.append({
            "period": period_label(p, query.resolution),
            "active": n if enough or n == 0 else None,
            "top_share": percent(top, total) if enough else None,
        })
    return table


def _dimensions(query: Query, scope_ids) -> list[Table]:
    res = query.resolution
    size = RESOLUTIONS[res]
    d = UnitDimMonth
    sums: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for dim, key, p, shares in db.session.execute(
        select(d.dim, d.key, d.month // const(size), func.sum(d.shares))
        .where(d.month >= query.first_month, d.month <= query.last_month,
               _in_scope(d.unit_id, scope_ids))
        .group_by(d.dim, d.key, d.month // const(size))
    ).tuples():
        sums[(dim, key)][p] += int(shares or 0)
    span = periods(query)
    networks = Table(
        "networks", _l("Shares by network"),
        [("period", _l("Period"))] + [(n.value, _network_name(n.value)) for n in Network],
        chart={"type": "bar", "series": [n.value for n in Network]},
    )
    for p in span:
        networks.rows.append({"period": period_label(p, res),
                              **{n.value: sums[("network", n.value)].get(p, 0)
                                 for n in Network}})
    topic_totals = {key: sum(v.values()) for (dim, key), v in sums.items() if dim == "topic"}
    top = sorted(topic_totals, key=lambda k: (-topic_totals[k], k))[:TOPICS_SHOWN]
    names = dict(db.session.execute(select(Topic.id, Topic.name)).tuples().all())
    topics = Table(
        "topics", _l("Shares by topic"),
        [("period", _l("Period"))] + [(f"t{k}", names.get(int(k), "?")) for k in top]
        + [("t_other", _l("Other topics"))],
        chart={"type": "line", "series": [f"t{k}" for k in top] + ["t_other"]},
        note=_l("A post with several topics counts once for each."),
    )
    for p in span:
        row = {"period": period_label(p, res)}
        for k in top:
            row[f"t{k}"] = sums[("topic", k)].get(p, 0)
        row["t_other"] = sum(sums[("topic", k)].get(p, 0) for k in topic_totals if k not in top)
        topics.rows.append(row)
    return [networks, topics]


def _network_name(network: str) -> str:
    return {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X",
            "instagram": "Instagram"}.get(network, network)


def _unit_warnings(unit_recent, folded, labels, current: int, programme) -> Table:
    threshold = programme.warning_drop_percent
    table = Table(
        "warnings", _l("Early warning: units sharing less than a year ago"),
        [("unit", _l("Unit")), ("recent", _l("Shares, last three months")),
         ("year_before", _l("Same months a year before")),
         ("change", _l("Change, %"))],
        note=_l("Units whose shares in the last three full months fell by more than "
                "%(pct)d %% against the same months a year before.", pct=threshold),
    )
    recent: dict[Any, int] = defaultdict(int)
    before: dict[Any, int] = defaultdict(int)
    for (group, month), shares in unit_recent.items():
        target = folded.get(group, OTHER)
        if current - 3 <= month <= current - 1:
            recent[target] += shares
        elif current - 15 <= month <= current - 13:
            before[target] += shares
    for group in sorted(before, key=lambda g: str(labels.get(g, g))):
        delta = change(recent[group], before[group])
        if delta is not None and -delta > threshold:
            table.rows.append({
                "unit": str(_l("Other")) if group == OTHER else labels.get(group, "?"),
                "recent": recent[group], "year_before": before[group], "change": delta,
            })
    return table


def _stopped(members_now, group_of_user, folded, labels, current: int, names_shown: bool,
             min_group: int) -> Table:
    pm = PersonMonth
    quiet_from = current - STOPPED_QUIET + 1
    lookback_from = quiet_from - STOPPED_LOOKBACK
    activity: dict[int, tuple[int, int, int]] = {}
    for user_id, before, during, last in db.session.execute(
        select(pm.user_id,
               func.count(func.distinct(case((pm.month < quiet_from, pm.month)))),
               func.count(func.distinct(case((pm.month >= quiet_from, pm.month)))),
               func.max(pm.month))
        .where(pm.month >= lookback_from, pm.shares > 0).group_by(pm.user_id)
    ).tuples():
        activity[user_id] = (before, during, last)
    stopped = [
        user_id for user_id, *_ in members_now
        if (a := activity.get(user_id)) and a[0] >= STOPPED_MIN_MONTHS and a[1] == 0
    ]
    if names_shown:
        table = Table(
            "stopped", _l("Early warning: regular ambassadors who stopped"),
            [("name", _l("Name")), ("unit", _l("Unit")),
             ("active_months", _l("Months with shares in the year before")),
             ("last_month", _l("Last month with a share"))],
            note=_l("Shared in at least %(n)d of 12 months, then nothing for three months. "
                    "Names are shown to curators and administrators only.",
                    n=STOPPED_MIN_MONTHS),
        )
        users = {u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_(stopped or [-1])))}
        unit_names = dict(db.session.execute(select(Unit.id, Unit.name)).tuples().all())
        for user_id in sorted(stopped, key=lambda u: users[u].name):
            person = users[user_id]
            table.rows.append({
                "name": person.name, "unit": unit_names.get(person.unit_id, ""),
                "active_months": activity[user_id][0],
                "last_month": month_key(activity[user_id][2]),
            })
        return table
    table = Table(
        "stopped", _l("Early warning: regular ambassadors who stopped"),
        [("unit", _l("Unit")), ("people", _l("People who stopped"))],
        note=_l("Shared in at least %(n)d of 12 months, then nothing for three months. "
                "Fewer than %(min)d people are not shown.", n=STOPPED_MIN_MONTHS, min=min_group),
    )
    counts: dict[Any, int] = defaultdict(int)
    for user_id in stopped:
        counts[folded.get(group_of_user.get(user_id), OTHER)] += 1
    for group, n in sorted(counts.items(), key=lambda kv: str(labels.get(kv[0], kv[0]))):
        table.rows.append({
            "unit": str(_l("Other")) if group == OTHER else labels.get(group, "?"),
            "people": n if n >= min_group else None,
        })
    return table


def _named(members_now, query: Query, now: datetime, names_shown: bool) -> list[Table]:
    """Kudos and activity of people who opted in to being named: the unit's own page."""
    opted = [user_id for user_id, _j, named, _u in members_now if named]
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
    )
    if not opted:
        return [kudos, people]
    names = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_(opted))).tuples().all())
    sender = User.__table__.alias("sender")
    for to_id, by, message, created in db.session.execute(
        select(Kudos.to_user_id, sender.c.name, Kudos.message, Kudos.created_at)
        .outerjoin(sender, sender.c.id == Kudos.from_user_id)
        .where(Kudos.to_user_id.in_(opted), Kudos.created_at >= now - timedelta(days=365))
        .order_by(Kudos.created_at.desc()).limit(50)
    ).tuples():
        kudos.rows.append({"name": names[to_id], "by": by or "", "message": message,
                           "date": created.date().isoformat()})
    pm = PersonMonth
    sums = {uid: (s, c) for uid, s, c in db.session.execute(
        select(pm.user_id, func.sum(pm.shares), func.sum(pm.clicks))
        .where(pm.user_id.in_(opted), pm.month >= query.first_month,
               pm.month <= query.last_month).group_by(pm.user_id)
    ).tuples()}
    for user_id in sorted(opted, key=lambda u: names[u]):
        s, c = sums.get(user_id, (0, 0))
        people.rows.append({"name": names[user_id], "shares": int(s or 0),
                            "clicks": int(c or 0), "user_id": user_id})
    return [kudos, people]


# --- a person's page for leaders ---------------------------------------------------------

def may_see_person(viewer: User, person: User | None) -> bool:
    """The person, an admin, or a leader of the person's unit if the person opted in."""
    if person is None:
        return False
    if viewer.id == person.id or viewer.has_role(RoleName.ADMIN):
        return True
    if not person.named_opt_in or person.unit_id is None:
        return False
    return person.unit_id in descendant_ids(viewer.led_unit_ids)


# --- CSV -----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP).

    Our own numbers are written as numbers (a negative change stays a number).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [(k, label) for k, label in table.columns if k != "user_id"]
    writer.writerow([csv_cell(str(label)) for _, label in columns])
    for row in table.rows:
        writer.writerow([csv_cell(row.get(k)) for k, _ in columns])
    return out.getvalue()
