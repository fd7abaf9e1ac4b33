"""The access log people see: every look by someone else at one person's data, with what
was looked at and why, in the person's log and the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import User
from advocacy.audit import service as audit
from advocacy.extensions import db
from advocacy.privacy import visibility
from advocacy.privacy.models import PersonalDataAccess
from advocacy.privacy.settings import get_settings


def _purpose(seeing, subject: User) -> str:
    """The recorded purpose when the look rests on the admin's switch, else the reason."""
    seen = seeing.sees(subject)
    if visibility.BECAUSE_SWITCH in seen.reasons and visibility.BECAUSE_NAMED not in seen.reasons:
        return get_settings().person_view_purpose
    return ", ".join(str(ACCESS_REASONS.get(r, r)) for r in seen.reasons)


def _viewer(viewer: User, now: datetime):
    return visibility.Viewer(viewer, now)


ACCESS_REASONS: dict[str, Any] = {
    "admin": _l("administrator"),
    "named": _l("you chose to be named"),
    "person_view": _l("named per-person views are in effect"),
    "stopped": _l("curators follow up regulars who stopped"),
}

# What a look was at, as the person's log says it.
ACCESS_WHAT: dict[str, Any] = {
    "person.page": _l("Your page: your figures by year, kudos and shares of endorsed posts"),
    "leader.person": _l("Your per-person figures (leader view)"),
    "health.named": _l("Your shares and clicks in the corps-health table of people who "
                       "agreed to be named (page or CSV)"),
    "health.kudos": _l("Kudos you received, on the corps-health page (page or CSV)"),
    "health.stopped": _l("Your name in the list of regulars who stopped sharing (page or CSV)"),
}


def record_personal_data_access(
    viewer: User, subject: User, *, what: str, now: datetime
) -> PersonalDataAccess:
    """Every look by someone else at one person's data: in the person's log and the audit log."""
    row = PersonalDataAccess(
        subject_id=subject.id, viewer_id=viewer.id, viewed_at=now, what=what,
        purpose=_purpose(_viewer(viewer, now), subject),
    )
    db.session.add(row)
    audit.record(viewer.id, "person.view", now=now, target_type="user", target_id=subject.id,
                 details={"what": what})
    db.session.flush()
    return row


def record_list_access(viewer: User, subject_ids: list[int], *, what: str,
                       now: datetime) -> int:
    """A list that showed several named people (a table, its CSV): one log row per person,
    one audit entry for the list."""
    ids = [i for i in subject_ids if i != viewer.id]
    if not ids:
        return 0
    subjects = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    seeing = _viewer(viewer, now)
    db.session.add_all([
        PersonalDataAccess(subject_id=s.id, viewer_id=viewer.id, viewed_at=now, what=what,
                           purpose=_purpose(seeing, s))
        for s in subjects
    ])
    audit.record(viewer.id, "person.view_list", now=now, target_type="users",
                 details={"what": what, "people": len(subjects)})
    db.session.flush()
    return len(subjects)


def accesses_for(subject: User) -> list[PersonalDataAccess]:
    return list(db.session.scalars(
        select(PersonalDataAccess)
        .where(PersonalDataAccess.subject_id == subject.id)
        .order_by(PersonalDataAccess.viewed_at.desc(), PersonalDataAccess.id.desc())
    ))
