"""The scheduled retention job: erase leavers, prune raw clicks and events the rollups hold,
old audit rows, expired exports and old applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from advocacy.activity.retention import prune_raw
from advocacy.audit import service as audit
from advocacy.orgtime import org_tz
from advocacy.privacy.erasure import erase_due
from advocacy.privacy.exports import expire_exports
from advocacy.privacy.settings import get_settings
from advocacy.programme.service import get_programme
from advocacy.recruitment.service import anonymise_applications


@dataclass
class RetentionReport:
    clicks_pruned: int
    events_pruned: int
    audit_pruned: int
    exports_expired: int
    people_erased: int
    applications_anonymised: int = 0


def run_retention(now: datetime, tz: ZoneInfo | None = None) -> RetentionReport:
    """The scheduled job: erase leavers, prune raw clicks and events the rollups hold, old
    audit rows and expired exports. Running it twice changes nothing more."""
    settings = get_settings()
    erased = erase_due(now)
    pruned = prune_raw(now, get_programme().retention_days, tz or org_tz())
    audits = audit.prune(now, settings.audit_retention_days)
    if audits:
        audit.record(None, "audit.prune", now=now, target_type="audit_entries",
                     details={"entries": audits, "keep_days": settings.audit_retention_days})
    exports = expire_exports(now)
    applications = anonymise_applications(now, get_programme().retention_days)
    return RetentionReport(pruned.clicks, pruned.events, audits, exports, len(erased),
                           applications)
