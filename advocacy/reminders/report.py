"""The curators' report on reminders: which were acted on, sent, opened, failed or skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update

from advocacy.extensions import db
from advocacy.reminders.models import Reminder, Status
from advocacy.reminders.rows import write_in_batches
from advocacy.sharing.models import Share

ACTED_ON_WINDOW = timedelta(hours=48)


def mark_acted_on(now: datetime, *, commit: Callable[[], None] | None = None) -> int:
    """A reminder was acted on when the person shared within 48 h after it was sent."""
    sent = db.session.execute(
        select(Reminder.id, Reminder.user_id, Reminder.sent_at).where(
            Reminder.status == Status.SENT, Reminder.acted_on_at.is_(None),
            Reminder.sent_at >= now - ACTED_ON_WINDOW - timedelta(days=1),
        )
    ).tuples()
    # The condition on sent_at matches no NULL; the check tells the type checker so.
    rows = [(reminder_id, user, at) for reminder_id, user, at in sent if at is not None]
    if not rows:
        return 0
    earliest = min(sent_at for _id, _user, sent_at in rows)
    shares: dict[int, list[datetime]] = {}
    for user_id, created_at in db.session.execute(
        select(Share.user_id, Share.created_at).where(
            Share.user_id.in_({user for _id, user, _sent in rows}),
            Share.created_at >= earliest,
        )
    ).tuples():
        if user_id is not None:  # always: IN matches no NULL
            shares.setdefault(user_id, []).append(created_at)
    acted = []
    for reminder_id, user_id, sent_at in rows:
        hits = [t for t in shares.get(user_id, ()) if sent_at <= t <= sent_at + ACTED_ON_WINDOW]
        if hits:
            acted.append((reminder_id, min(hits)))

    def write(chunk: list[tuple[int, datetime]]) -> int:
        for reminder_id, first in chunk:
            db.session.execute(
                update(Reminder).where(Reminder.id == reminder_id).values(acted_on_at=first)
            )
        return len(chunk)

    return write_in_batches(acted, write, commit)

def report(now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Per month and kind: sent, opened, acted on (and failed, skipped) for the admin view."""
    rows = db.session.execute(
        select(Reminder.kind, Reminder.status, Reminder.sent_at, Reminder.created_at,
               Reminder.opened_at, Reminder.acted_on_at)
        .where(Reminder.created_at >= now - timedelta(days=400))
    ).all()
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, status, sent_at, created_at, opened_at, acted_on_at in rows:
        month = (sent_at or created_at).astimezone(tz).strftime("%Y-%m")
        line = table.setdefault((month, kind), {"month": month, "kind": kind, "sent": 0,
                                                "opened": 0, "acted_on": 0, "failed": 0,
                                                "skipped": 0, "pending": 0})
        line[status] = line.get(status, 0) + 1
        line["opened"] += opened_at is not None
        line["acted_on"] += acted_on_at is not None
    return sorted(table.values(), key=lambda r: (r["month"], r["kind"]), reverse=True)


def problems(limit: int = 100) -> list[Reminder]:
    """Failed and skipped reminders with the reason, and pending ones that are retrying."""
    return list(db.session.scalars(
        select(Reminder).where(or_(
            Reminder.status.in_([Status.FAILED, Status.SKIPPED]),
            and_(Reminder.status == Status.PENDING, Reminder.attempts > 0),
        )).order_by(Reminder.id.desc()).limit(limit)
    ))
