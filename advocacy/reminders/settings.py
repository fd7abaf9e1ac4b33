"""The programme's reminder settings: the Teams/Slack webhook, the re-engagement and unit-drop
thresholds, the tracking pixel."""

from __future__ import annotations

from advocacy.extensions import db
from advocacy.reminders.errors import ReminderError
from advocacy.reminders.models import ReminderSettings


def ensure_settings() -> ReminderSettings:
    """The settings row, created with the defaults when there is none yet (saving writes to it)."""
    settings = db.session.get(ReminderSettings, 1)
    if settings is None:
        settings = ReminderSettings(id=1, webhook_url="", webhook_kind="slack",
                                    reengage_weeks=6, unit_drop_percent=50,
                                    tracking_pixel=False)
        db.session.add(settings)
        db.session.flush()
    return settings


def read_settings() -> ReminderSettings:
    """Settings without creating the row (workers read, they do not write settings)."""
    return db.session.get(ReminderSettings, 1) or ReminderSettings(
        id=1, webhook_url="", webhook_kind="slack", reengage_weeks=6, unit_drop_percent=50,
        tracking_pixel=False,
    )


def webhook_problem(url: str) -> str | None:
    """Why a webhook URL is not acceptable, or None (https, or http to this machine only)."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return "This is not a valid web address."
    del port
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return "Use a full https:// address as Teams or Slack gives it."
    if parts.scheme == "http" and parts.hostname not in {"localhost", "127.0.0.1", "::1"}:
        return "Use https: the address carries a secret and must be encrypted."
    if any(c.isspace() for c in url):
        return "The address must not contain spaces."
    return None


def save_settings(*, webhook_url: str, webhook_kind: str, reengage_weeks: int,
                  unit_drop_percent: int, tracking_pixel: bool) -> ReminderSettings:
    problem = webhook_problem(webhook_url)
    if problem:
        raise ReminderError(problem)
    if webhook_kind not in {"slack", "teams"}:
        raise ReminderError("Unknown chat service.")
    settings = ensure_settings()
    settings.webhook_url = webhook_url.strip()
    settings.webhook_kind = webhook_kind
    settings.reengage_weeks = reengage_weeks
    settings.unit_drop_percent = unit_drop_percent
    settings.tracking_pixel = tracking_pixel
    db.session.flush()
    return settings
