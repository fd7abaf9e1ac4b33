"""The organisation's time zone (`ORG_TIMEZONE`) and its wall clock: the one place.

The database keeps UTC; forms carry the organisation's wall-clock time; pages show it
(advocacy/formats.py); months, working hours and deadlines are counted in it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def org_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """An aware (or naive UTC) instant as the organisation's aware wall-clock time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(org_tz())


def local_to_utc(value: datetime | None) -> datetime | None:
    """Form fields carry the organisation's wall-clock time; the database keeps UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=org_tz()).astimezone(UTC)


def utc_to_local(value: datetime | None) -> datetime | None:
    """An instant as the naive wall-clock time a form field shows."""
    if value is None:
        return None
    return value.astimezone(org_tz()).replace(tzinfo=None)
