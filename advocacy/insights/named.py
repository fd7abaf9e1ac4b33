"""The people who agreed to be named: their shares and clicks, and the kudos they received."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from advocacy.accounts.models import Role, RoleName, User
from advocacy.activity.models import PersonMonth
from advocacy.endorsements.models import Kudos
from advocacy.extensions import db
from advocacy.insights.context import Context, scope_filter
from advocacy.insights.tables import Table
from advocacy.privacy import visibility


def named_tables(ctx: Context) -> list[Table]:
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
                 scope_filter(func.coalesce(User.unit_id, 0), ctx.scope_ids))
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
