"""The switch for named per-person leader views: on only with a recorded purpose,
consultation, DPIA and a notice period (everyone is told), off at once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from advocacy.audit import service as audit
from advocacy.extensions import db
from advocacy.privacy.models import PrivacyNotice
from advocacy.privacy.settings import PrivacyError, get_settings

MIN_NOTICE_DAYS = 42
NOTICE_PERSON_VIEW = "person_view"


def person_view_active(now: datetime) -> bool:
    settings = get_settings()
    return bool(
        settings.person_view_enabled
        and settings.person_view_effective_at is not None
        and now >= settings.person_view_effective_at
    )


def earliest_effective(now: datetime) -> datetime:
    return now + timedelta(days=MIN_NOTICE_DAYS)


def switch_person_view_on(
    *,
    purpose: str,
    consulted_on: date | None,
    dpia_reference: str,
    effective_at: datetime | None,
    by_user_id: int | None,
    now: datetime,
) -> PrivacyNotice:
    """Only with recorded purpose, consultation, DPIA and a date far enough ahead; tell all."""
    errors: dict[str, Any] = {}
    if not purpose.strip():
        errors["purpose"] = _l("Record the purpose of named per-person views.")
    if consulted_on is None:
        errors["consulted_on"] = _l("Record when employee representatives were consulted.")
    elif consulted_on > now.date():
        errors["consulted_on"] = _l("The consultation must already have taken place.")
    if not dpia_reference.strip():
        errors["dpia_reference"] = _l("Give the reference of the data protection impact "
                                      "assessment (DPIA).")
    if effective_at is None:
        effective_at = earliest_effective(now)
    elif effective_at < earliest_effective(now) - timedelta(minutes=1):
        errors["effective_at"] = _l(
            "People must be told at least %(days)d days before the views start.",
            days=MIN_NOTICE_DAYS,
        )
    if errors:
        raise PrivacyError(errors)
    settings = get_settings()
    settings.person_view_enabled = True
    settings.person_view_purpose = purpose.strip()
    settings.person_view_consulted_on = consulted_on
    settings.person_view_dpia_reference = dpia_reference.strip()
    settings.person_view_notice_at = now
    settings.person_view_effective_at = effective_at
    notice = PrivacyNotice(
        kind=NOTICE_PERSON_VIEW, created_at=now, effective_at=effective_at, purpose=purpose.strip()
    )
    db.session.add(notice)
    db.session.flush()
    audit.record(by_user_id, "privacy.person_view_on", now=now, target_type="privacy_settings",
                 target_id=1, details={"notice_id": notice.id,
                                       "effective_at": effective_at.isoformat(),
                                       "dpia_reference": settings.person_view_dpia_reference})
    return notice


def switch_person_view_off(*, by_user_id: int | None, now: datetime) -> None:
    """Switching off works at once; no notice period is needed to see less."""
    settings = get_settings()
    settings.person_view_enabled = False
    settings.person_view_effective_at = None
    audit.record(by_user_id, "privacy.person_view_off", now=now, target_type="privacy_settings",
                 target_id=1)
    db.session.flush()
