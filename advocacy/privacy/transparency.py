""""What my leader sees": the kinds of data a leader, a curator and an administrator may
see about a person now, and the leaders who could see the per-person view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import Role, User
from advocacy.accounts.service import ancestor_ids
from advocacy.extensions import db
from advocacy.privacy import visibility
from advocacy.privacy.person_view import person_view_active

KIND_ORDER = ("name", "kudos", "activity", "stopped", "choices")
KIND_LABELS: dict[str, Any] = {
    "name": _l("your name"),
    "kudos": _l("the kudos you received"),
    "activity": _l("your shares and clicks, months with shares, shares within a day and "
                   "applications attributed to you"),
    "stopped": _l("whether you were a regular sharer who stopped (months with shares, last "
                  "month with a share)"),
    "choices": _l("what you skipped or snoozed and the stories you suggested"),
}


def audiences(person: User, now: datetime) -> list[tuple[str, Any]]:
    """What a leader of the person's unit, a curator and an administrator may see about the
    person now: the rule itself (advocacy.visibility.visibility_for), asked for each of them."""
    facts = {"is_self": False, "participant": visibility.visible_in_leader_views(person),
             "named": bool(person.named_opt_in),
             "person_view_in_effect": person_view_active(now)}
    return [
        ("leader", visibility.visibility_for(roles={visibility.LEADER},
                                         leads_person=person.unit_id is not None, **facts)),
        ("curator", visibility.visibility_for(roles={visibility.CURATOR}, leads_person=False,
                                          **facts)),
        ("admin", visibility.visibility_for(roles={visibility.ADMIN}, leads_person=False, **facts)),
    ]


def leaders_of(person: User) -> list[User]:
    """Leaders of the person's unit or any unit above it: who could see the per-person view."""
    units = ancestor_ids(person.unit_id)
    if not units:
        return []
    return list(db.session.scalars(
        select(User).join(Role, Role.user_id == User.id)
        .where(Role.name == "leader", Role.unit_id.in_(units), User.id != person.id,
               User.active.is_(True))
        .distinct().order_by(User.name)
    ))
