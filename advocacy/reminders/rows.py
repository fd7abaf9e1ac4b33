"""Reminder rows and their dedupe key UNIQUE(user, kind, period, channel): the channels a row
goes to, the row itself, inserting it once, and writing rows in short transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from advocacy.db import commit_retrying, insert_or_ignore
from advocacy.extensions import db
from advocacy.reminders.models import (
    Channel,
    Kind,
    Reminder,
    ReminderPreference,
    ReminderSettings,
    Status,
)

# Rows per write transaction when the scan commits as it goes (SQLite: one writer at a time).
WRITE_BATCH = 500
# Personal content (activity figures) never goes to a shared Teams/Slack channel.
CHAT_KINDS = {Kind.DIGEST, Kind.NUDGE, Kind.NOTICE, Kind.TAKEOVER}


def channels_for(pref: ReminderPreference, kind: str, settings: ReminderSettings) -> list[str]:
    if kind in pref.unsubscribed_kinds():
        return []
    channels = []
    if pref.email:
        channels.append(Channel.EMAIL.value)
    if pref.chat and settings.webhook_url and kind in CHAT_KINDS:
        channels.append(Channel.CHAT.value)
    return channels


def insert_ignore(rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on the dedupe key; returns rows actually added."""
    if not rows:
        return 0
    added = 0
    for start in range(0, len(rows), 500):
        table = Reminder.__table__
        statement = insert_or_ignore(
            table, db.session, ["user_id", "kind", "period", "channel"]).returning(table.c.id)
        # RETURNING lists only the rows really inserted (a conflict returns nothing).
        result = db.session.connection().execute(statement, rows[start:start + 500])
        added += len(result.all())
    return added


def new_row(user_id: int, kind: str, period: str, channel: str, due_at: datetime, now: datetime,
            payload: dict[str, Any], post_id: int | None = None) -> dict[str, Any]:
    return {
        "user_id": user_id, "kind": kind, "period": period, "channel": channel,
        "due_at": due_at, "created_at": now, "payload": payload, "post_id": post_id,
        "status": Status.PENDING.value, "attempts": 0,
    }


def already_planned(kind: str, periods: Iterable[str]) -> set[tuple[int, str]]:
    periods = list(set(periods))
    if not periods:
        return set()
    return set(db.session.execute(
        select(Reminder.user_id, Reminder.period).where(
            Reminder.kind == kind, Reminder.period.in_(periods)
        )
    ).tuples().all())


def write_in_batches(rows: list, write: Callable[[list], int],
                     commit: Callable[[], None] | None) -> int:
    """Without `commit`: one flush (tests, CLI). With it: the read transaction ends first, then
    each batch is a short write transaction of its own, retried if SQLite is busy, so the
    scan never holds the write lock for more than a few milliseconds (docs/reminders.md)."""
    if commit is None:
        return write(rows)
    commit()
    done = 0
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start:start + WRITE_BATCH]
        done += commit_retrying(lambda chunk=chunk: write(chunk), commit=commit)
    return done
