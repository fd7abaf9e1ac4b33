"""Task bodies for the worker: thin, JSON-only, committing (worker/ wraps them in Celery).

Register as ``@celery.task(name=ROLLUP_TASK, acks_late=True, autoretry_for=(Exception,),
retry_backoff=True)`` around :func:`rollup_recent`, and schedule it with ``ROLLUP_SCHEDULE``.
"""

from __future__ import annotations

from advocacy.activity import service
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.forms import org_tz

ROLLUP_TASK = "advocacy.activity.rollup_recent"
ROLLUP_EVERY_SECONDS = 300.0  # beat: every five minutes
ROLLUP_SCHEDULE = {"task": ROLLUP_TASK, "schedule": ROLLUP_EVERY_SECONDS}


def rollup_recent() -> list[str]:
    """Roll up the months with new activity; returns them as 'YYYY-MM' (JSON-friendly)."""
    try:
        months = service.rollup_recent(utcnow(), org_tz())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return [service.month_key(m) for m in months]
