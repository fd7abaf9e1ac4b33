"""Early warnings: units sharing less than a year ago, and the regulars who stopped (by name
only to curators and administrators, as advocacy.privacy.visibility allows).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from advocacy.accounts.models import User
from advocacy.activity.health_tables import STOPPED_LOOKBACK, STOPPED_MIN_MONTHS, STOPPED_QUIET
from advocacy.activity.models import PersonMonth, PersonState, RollupState, UnitMonth
from advocacy.activity.months import month_key
from advocacy.extensions import db
from advocacy.insights.context import OTHER, Context, scope_filter
from advocacy.insights.figures import change
from advocacy.insights.overview import page_folding
from advocacy.insights.tables import Table
from advocacy.privacy import visibility


def unit_warnings_table(ctx: Context, programme) -> Table:
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
               scope_filter(um.unit_id, ctx.scope_ids))
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
                    scope_filter(func.coalesce(User.unit_id, 0), ctx.scope_ids))
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


def stopped_table(ctx: Context) -> Table:
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
                "name": name, "unit": "" if unit_id is None else ctx.units.names.get(unit_id, ""),
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
            "people": page_folding(ctx).count_cell(members[key], per_unit),
        })
    return table
