"""Form helpers shared by features."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def org_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def local_to_utc(value: datetime | None) -> datetime | None:
    """Form fields carry the organisation's wall-clock time; the database keeps UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=org_tz()).astimezone(UTC)


def utc_to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(org_tz()).replace(tzinfo=None)
