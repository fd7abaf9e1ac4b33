"""The tables with a row per period: shares, clicks and applications, applications and
hires, ambassadors over time and concentration, read from the tables the rollup keeps and
folded by each period's blocks.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy import folding as fold
from advocacy.activity.models import ScopeActivity, ScopePeriod, UnitPeriod
from advocacy.extensions import db
from advocacy.insights.context import Context
from advocacy.insights.figures import change, percent, ratio
from advocacy.insights.periods import period_label, yoy_lag
from advocacy.insights.tables import Table, left_out


def scope_periods(ctx: Context) -> dict[int, tuple[int, int, int, int]]:
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


def unit_periods(ctx: Context) -> dict[int, tuple[dict[int, int], dict[int, int]]]:
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


def activity_table(ctx: Context) -> tuple[Table, dict, dict]:
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
            activity.rows.append(left_out(activity, period_label(p, ctx.resolution)))
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


def recruitment_table(ctx: Context, per: dict) -> Table:
    """Applications and hires that the scope's people's shares brought, folded
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
            table.rows.append(left_out(table, period_label(p, ctx.resolution)))
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


def people_table(ctx: Context, sharing: dict) -> Table:
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
            people.rows.append(left_out(people, period_label(p, ctx.resolution)))
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


def concentration_table(ctx: Context, scope: dict, sharing: dict) -> Table:
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
