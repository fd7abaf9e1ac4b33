"""Retention by cohort: of those who joined in a quarter, the share still sharing 3, 6, 12,
24 and 36 months later, folded block by block.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy import folding as fold
from advocacy.activity.health_tables import RETENTION_AFTER
from advocacy.activity.models import Cohort
from advocacy.extensions import db
from advocacy.insights.context import OTHER, Context, scope_filter
from advocacy.insights.figures import percent
from advocacy.insights.overview import page_folding
from advocacy.insights.periods import period_label
from advocacy.insights.tables import Table


def _safe_group(n: int, min_group: int) -> bool:
    return n == 0 or n >= min_group


def retention_table(ctx: Context) -> Table:
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
    folding = page_folding(ctx)
    own = _own_cohorts(ctx)  # (unit, joined month, after) -> people of that unit alone
    # Whole blocks only: a block may reach into the scope with units that have no people
    # now (but had joiners then); its cohorts count only where the whole block is shown.
    blocks = {b: units for b, units in folding.blocks_in(folding.block_units(
        ctx.scope_units)).items() if units <= ctx.scope_units}
    # block -> joining quarter -> …, keyed as `fold.fold_cohorts` takes groups (any key)
    joined_in: dict[int, dict[object, set[int]]] = defaultdict(lambda: defaultdict(set))
    per_block: dict[int, dict[object, int]] = defaultdict(lambda: defaultdict(int))
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
               scope_filter(co.scope_id, scope))
    ).tuples():
        scoped[(int(scope_id), int(joined), int(after))] += int(n or 0)
    children = page_folding(ctx).children
    own: dict[tuple[int, int, int], int] = {}
    for (unit, joined, after), n in scoped.items():
        if unit not in ctx.scope_units:
            continue
        below = sum(scoped.get((c, joined, after), 0) for c in children.get(unit, ()))
        if n - below:
            own[(unit, joined, after)] = n - below
    return own
