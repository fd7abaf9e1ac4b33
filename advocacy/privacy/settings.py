"""The controller's privacy settings: who the controller is, the legal basis (GDPR art. 6(1)),
how long things are kept and the smallest group shown. Importing this module names the
legal bases in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from advocacy.audit import describe
from advocacy.audit import service as audit
from advocacy.extensions import db
from advocacy.privacy.models import PrivacySettings
from advocacy.programme.models import Programme
from advocacy.programme.service import get_programme


class PrivacyError(ValueError):
    """Bad input for a privacy operation: field -> message, shown next to the field."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(errors)
        self.errors = errors


LEGAL_BASES: dict[str, Any] = {
    "consent": _l("Consent (GDPR art. 6(1)(a)): you joined the programme yourself"),
    "contract": _l("Contract (GDPR art. 6(1)(b))"),
    "legal_obligation": _l("Legal obligation (GDPR art. 6(1)(c))"),
    "public_task": _l("Public task (GDPR art. 6(1)(e))"),
    "legitimate_interests": _l("Legitimate interests (GDPR art. 6(1)(f))"),
}
describe.value_labels("legal_basis", LEGAL_BASES)  # the audit log names them
LEGITIMATE_INTERESTS_WARNING = _l(
    "Legitimate interests is not available to public authorities for processing they carry "
    "out in the performance of their tasks (GDPR art. 6(1), last paragraph). Public bodies "
    "should choose another basis."
)


def get_settings() -> PrivacySettings:
    settings = db.session.get(PrivacySettings, 1)
    if settings is None:
        settings = PrivacySettings(id=1)
        db.session.add(settings)
        db.session.flush()
    return settings


def legal_basis_warning(legal_basis: str, public_authority: bool) -> str | None:
    if legal_basis == "legitimate_interests" and public_authority:
        return str(LEGITIMATE_INTERESTS_WARNING)
    return None


def update_settings(
    *,
    controller_name: str,
    controller_contact: str,
    dpo_contact: str,
    legal_basis: str,
    public_authority: bool,
    audit_retention_days: int,
    erase_after_days: int,
    retention_days: int,
    min_group_size: int,
    by_user_id: int | None,
    now: datetime,
) -> PrivacySettings:
    errors: dict[str, Any] = {}
    if legal_basis not in LEGAL_BASES:
        errors["legal_basis"] = _l("Choose a legal basis.")
    for name, value, low in (
        ("audit_retention_days", audit_retention_days, 30),
        ("erase_after_days", erase_after_days, 0),
        ("retention_days", retention_days, 1),
        ("min_group_size", min_group_size, 2),
    ):
        if value is None or value < low or value > 36500:
            errors[name] = _l("Enter a number from %(low)d to %(high)d.", low=low, high=36500)
    if errors:
        raise PrivacyError(errors)
    settings = get_settings()
    settings.controller_name = controller_name.strip()
    settings.controller_contact = controller_contact.strip()
    settings.dpo_contact = dpo_contact.strip()
    settings.legal_basis = legal_basis
    settings.public_authority = public_authority
    settings.audit_retention_days = audit_retention_days
    settings.erase_after_days = erase_after_days
    programme = _programme()
    programme.retention_days = retention_days
    programme.min_group_size = min_group_size
    audit.record(by_user_id, "privacy.settings", now=now, target_type="privacy_settings",
                 target_id=1, details={"legal_basis": legal_basis})
    db.session.flush()
    return settings


def _programme() -> Programme:
    return get_programme()
