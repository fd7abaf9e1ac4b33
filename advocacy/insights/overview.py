"""The table of ambassadors now: enrolled and active (30 and 90 days) per sub-unit; it also
sets the blocks and rows every other table of the page folds by.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from advocacy import folding as fold
from advocacy.activity.models import PersonState
from advocacy.extensions import db
from advocacy.insights.context import Context
from advocacy.insights.figures import percent
from advocacy.insights.foldings import health_folding
from advocacy.insights.tables import Table


def overview_table(ctx: Context) -> Table | None:
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
    ctx.row_of = {u: group for group, units in groups for u in units}
    for group, units in groups:
        ctx.row_labels[group] = _row_label(ctx, group, units)
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
    for group in ordered:
        overview.rows.append(_overview_row(folding, ctx.row_labels[group], members[group],
                                           active30, active90))
    overview.rows.append(_overview_row(folding, str(_l("All")),
                                       folding.subtree(ctx.scope_key), active30, active90))
    return overview


def page_folding(ctx: Context) -> fold.Folding:
    """The blocks of the page, which `overview_table` sets before any other table is made."""
    if ctx.folding is None:
        raise RuntimeError("overview_table sets the page's blocks first")
    return ctx.folding


def _overview_row(folding: fold.Folding, label: str, units: set[int], active30: dict,
                  active90: dict) -> dict[str, Any]:
    enrolled = folding.total(units)
    a30 = folding.count_cell(units, active30)
    a90 = folding.count_cell(units, active90)
    return {"unit": label, "enrolled": enrolled, "active_30": a30, "active_90": a90,
            # only for a count shown exactly (not "<n", not left out)
            "active_share": percent(a90, enrolled) if isinstance(a90, int) else None}


def _row_label(ctx: Context, key: Any, units: set[int]) -> str:
    if key != fold.OTHER:
        return ctx.units.names.get(key, "?")
    if units == {ctx.scope_key}:
        if ctx.unit is None:
            return str(_l("No unit"))
        return str(_l("%(unit)s (directly)", unit=ctx.unit.name))
    return str(_l("Other"))
