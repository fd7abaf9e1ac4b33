"""Erasure: removing a person and everything personal, or, for staff who left the
programme, what taking part left behind; due after the set days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from advocacy.accounts.models import RoleName, User
from advocacy.audit import service as audit
from advocacy.extensions import db
from advocacy.privacy import personal
from advocacy.privacy.settings import get_settings


def erase_person(person: User, *, reason: str, actor_id: int | None, now: datetime) -> int:
    """Remove the person and everything personal; their shares and clicks stay only inside
    the anonymous unit and organisation rollups (see advocacy/privacy/personal.py)."""
    person_id = person.id
    db.session.expunge(person)
    photos = personal.erase_rows(person_id)
    db.session.expire_all()
    personal.remove_after_commit(photos)
    audit.record(actor_id if actor_id != person_id else None, "person.erase", now=now,
                 target_type="user", target_id=person_id, details={"reason": reason})
    db.session.flush()
    return person_id


STAFF_ROLES = {RoleName.CURATOR, RoleName.LEADER, RoleName.ADMIN}


def end_participation(person: User, *, now: datetime) -> int:
    """Someone who left the programme but still works here as curator, leader or admin keeps
    the account; what taking part left behind is erased as for anyone else."""
    person_id = person.id
    personal.erase_participation(person_id)
    person.joined_at = None
    person.left_at = None
    person.named_opt_in = False
    audit.record(None, "person.erase_participation", now=now, target_type="user",
                 target_id=person_id, details={"reason": "left_programme"})
    db.session.flush()
    return person_id


def erase_due(now: datetime) -> list[int]:
    """People who left the programme or the organisation more than the set days ago."""
    days = get_settings().erase_after_days
    cutoff = now - timedelta(days=days)
    due = list(db.session.scalars(select(User).where(or_(
        User.left_at < cutoff,
        # reactivated people keep their old deactivated_at but are not due
        and_(User.active.is_(False), User.deactivated_at < cutoff),
    )).order_by(User.id)))
    erased = []
    for person in due:
        left_organisation = not person.active and person.deactivated_at is not None \
            and person.deactivated_at < cutoff
        if not left_organisation and person.active and person.role_names & STAFF_ROLES:
            erased.append(end_participation(person, now=now))
            continue
        reason = "left_organisation" if left_organisation else "left_programme"
        erased.append(erase_person(person, reason=reason, actor_id=None, now=now))
    return erased
