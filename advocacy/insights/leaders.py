""""Leaders go first": leaders' own sharing next to the other ambassadors', period by
period, shown only where both make whole blocks of at least the minimum.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from advocacy import folding as fold
from advocacy.accounts.models import Role, RoleName, User
from advocacy.extensions import db
from advocacy.insights.context import Context, scope_filter
from advocacy.insights.figures import percent, ratio
from advocacy.insights.foldings import leader_foldings
from advocacy.insights.periods import period_label
from advocacy.insights.tables import Table


def _leader_count(ctx: Context, sharing: dict, period: int, hidden: bool) -> int | str | None:
    """Leaders who shared in the scope in a period: exact only where their figures are shown
    (a sum over whole blocks of the leaders' folding), else "<5" for 1 … 4 or left out; never
    exact by another folding, which could be set against it."""
    n = sum(sharing.get(period, ({}, {}))[1].get(u, 0) for u in ctx.scope_units)
    if not hidden or n == 0:
        return n
    return fold.below(ctx.min_group) if n < ctx.min_group else None


def leaders_table(ctx: Context, sharing: dict, per_leader: dict) -> Table:
    """Leaders' own sharing next to the ambassadors': how many, how much, how soon."""
    leader_count = db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(Role, and_(Role.user_id == User.id, Role.name == RoleName.LEADER))
        .where(User.active.is_(True), scope_filter(func.coalesce(User.unit_id, 0), ctx.scope_ids))
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
