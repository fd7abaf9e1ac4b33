"""Endorsements and kudos reach people through the reminders: notices and nudges."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from advocacy import mail
from advocacy.accounts.models import User
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos
from advocacy.extensions import db
from advocacy.reminders.models import Kind
from advocacy.reminders.notices import notify
from advocacy.reminders.planning import register_endorsed_source

RECENT = timedelta(days=7)


@register_endorsed_source
def recently_endorsed(now: datetime) -> list[tuple[int, str]]:
    """Posts endorsed in the last week: (b) nudges the ambassadors who have not shared them."""
    rows = db.session.scalars(
        select(Endorsement).where(
            Endorsement.withdrawn_at.is_(None), Endorsement.created_at > now - RECENT
        ).order_by(Endorsement.created_at)
    )
    return [(e.post_id, e.leader.name) for e in rows]


def _locale(person: User) -> str:
    from flask import current_app

    return person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def kudos_notice(kudos: Kudos, now: datetime) -> int:
    """(d) Tell the ambassador a leader recognised them, once per kudos."""
    recipient = db.session.get_one(User, kudos.to_user_id)
    leader = db.session.get_one(User, kudos.from_user_id)
    with force_locale(_locale(recipient)):
        payload = {"headline": _("Kudos from %(name)s", name=leader.name), "body": kudos.message}
    return notify(recipient, Kind.NOTICE, payload, now, key=f"kudos:{kudos.id}")


def request_notice(request: EndorsementRequest, now: datetime) -> int:
    """(d) A curator asks a leader to endorse a post: the message links to one-click endorse."""
    leader = db.session.get_one(User, request.leader_id)
    with force_locale(_locale(leader)):
        body = _("Endorse it with one click: %(url)s", url=mail.public_url("endorsements.index"))
        if request.note:
            body = f"{request.note}\n\n{body}"
        payload = {
            "headline": _("You are asked to endorse “%(title)s”", title=request.post.title),
            "body": body,
        }
    key = f"endorse-request:{request.id}:{request.created_at.isoformat()}"
    return notify(leader, Kind.NOTICE, payload, now, key=key)
