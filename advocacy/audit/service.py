"""Recording and listing admin and curator actions; pruning them after the retention time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, select

from advocacy.audit.models import AuditEntry
from advocacy.db import rowcount
from advocacy.extensions import db

# Every action recorded anywhere; the admin page's filter offers exactly these.
ACTIONS = (
    # people, units, programme
    "user.create", "unit.create", "people.import", "user.deactivate", "user.reactivate",
    "user.update", "unit.update", "login.link",
    "programme.update",
    # posts and their review
    "post.create", "post.update", "post.submit", "post.approve", "post.return",
    "post.archive", "post.reopen", "post.comment",
    # topics
    "topic.create", "topic.update", "topic.archive", "topic.restore", "topic.merge",
    # stories and takeovers
    "story.accept", "story.decline", "takeover.approve", "takeover.decline",
    # endorsements
    "endorsement.request",
    # privacy
    "privacy.settings", "privacy.person_view_on", "privacy.person_view_off",
    "person.view", "person.erase", "person.erase_participation", "audit.prune",
    # accessibility statement
    "accessibility.update",
    # the JSON API
    "api_token.create", "api_token.revoke",
    # recruitment
    "job_feed.add", "applications.import",
    # e-mail that could not be delivered for good (shown on the reminders page)
    "mail.failed",
)


def record(
    actor_id: int | None,
    action: str,
    *,
    now: datetime,
    target_type: str | None = None,
    target_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Ids and field names only: the log must not become a second copy of personal data."""
    entry = AuditEntry(
        actor_id=actor_id, action=action, target_type=target_type, target_id=target_id,
        details=details or {}, created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(
    *, action: str | None = None, actor_id: int | None = None, target_type: str | None = None
) -> Select:
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    return stmt


def prune(now: datetime, keep_days: int) -> int:
    """Delete entries older than the retention time; running twice deletes nothing more."""
    cutoff = now - timedelta(days=keep_days)
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
    db.session.flush()
    return rowcount(result)
