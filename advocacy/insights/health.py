"""Corps health over years (docs/leaders.md), computed from the monthly rollups only — never
raw events.

Privacy by design (docs/privacy.md): every figure about people is about a group of at least the
programme's minimum size; smaller sub-units and cohorts are folded into "Other", and a figure
about fewer people is left out (None). Names appear only where the person opted in, and in
the early-warning list only for curators and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from advocacy.accounts.models import Unit, User
from advocacy.accounts.units import tree
from advocacy.activity import health_tables
from advocacy.activity.months import month_of
from advocacy.insights.cohorts import retention_table
from advocacy.insights.context import Context
from advocacy.insights.dimensions import dimension_tables
from advocacy.insights.early_warnings import stopped_table, unit_warnings_table
from advocacy.insights.foldings import period_foldings
from advocacy.insights.leaders import leaders_table
from advocacy.insights.named import named_tables
from advocacy.insights.over_time import (
    activity_table,
    concentration_table,
    people_table,
    recruitment_table,
    scope_periods,
    unit_periods,
)
from advocacy.insights.overview import overview_table, page_folding
from advocacy.insights.periods import period_last_month, periods, yoy_lag
from advocacy.insights.query import RESOLUTIONS, Query
from advocacy.insights.scope import sees_everything
from advocacy.insights.tables import Table
from advocacy.privacy import visibility
from advocacy.programme.service import get_programme

PAGE_ROWS = 50  # lists of people on the page; the CSV file has every row


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
    units: Any = None  # the unit tree as read for this page (UnitTree)
    looked_at: dict[str, set[int]] = field(default_factory=dict)  # named people shown

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def charts(self) -> list[dict]:
        return [c for c in (t.chart_data() for t in self.tables) if c]


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
    units = tree()
    current = month_of(now, tz)
    span = periods(query)
    size = RESOLUTIONS[query.resolution]
    first, last = span[0] * size, min(period_last_month(span[-1], query.resolution), current)
    scope_ids = None if unit is None else units.descendants([unit.id])
    ctx = Context(unit, scope_ids, unit.id if unit else health_tables.ORGANISATION, query, span,
                  first, last, current, now, min_group, sees_everything(viewer), units, rows)
    ctx.viewer = visibility.Viewer(viewer, now)
    tables: list[Table] = []
    overview = overview_table(ctx)
    if overview is None:
        return Health(query, unit, min_group, False, tables, ctx.names_shown, first, last,
                      units)
    tables.append(overview)
    ctx.scope_units = page_folding(ctx).subtree(ctx.scope_key)
    ctx.by_period = period_foldings(ctx.units.parents, ctx.min_group,
                                    range(span[0] - yoy_lag(query.resolution), span[-1] + 1),
                                    query.resolution, current)
    scope = scope_periods(ctx)
    sharing = unit_periods(ctx)
    activity, leaders_by_period, per_period = activity_table(ctx)
    tables.append(activity)
    tables.append(recruitment_table(ctx, per_period))
    tables.append(people_table(ctx, sharing))
    tables.append(retention_table(ctx))
    tables.append(concentration_table(ctx, scope, sharing))
    tables.append(leaders_table(ctx, sharing, leaders_by_period))
    tables.extend(dimension_tables(ctx))
    tables.append(unit_warnings_table(ctx, programme))
    tables.append(stopped_table(ctx))
    tables.extend(named_tables(ctx))
    health = Health(query, unit, min_group, True, tables, ctx.names_shown, first, last, units)
    health.looked_at = ctx.looked_at
    return health
