"""Dispatch: leasing due reminder rows to batches and enqueueing one send task per batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from advocacy import tasknames
from advocacy.db import commit_retrying
from advocacy.extensions import db
from advocacy.jobs import enqueue
from advocacy.reminders.models import Reminder, Status


def claimable(now: datetime):
    return and_(
        Reminder.status == Status.PENDING,
        Reminder.sent_at.is_(None),
        or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now),
    )


def dispatch(now: datetime, *, limit: int = 100_000,
             commit: Callable[[], None] | None = None) -> list[tuple[str, list[int]]]:
    """Lease every due row to a batch and enqueue one task per batch (sent after commit).

    With `commit` each batch's lease is its own short transaction (its task is sent as it
    commits); a lock met on SQLite is retried, the conditional UPDATE makes that safe."""
    size = current_app.config["REMINDER_BATCH_SIZE"]
    lease = timedelta(seconds=current_app.config["REMINDER_DISPATCH_LEASE"])
    ids = list(db.session.scalars(
        select(Reminder.id).where(claimable(now), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(limit)
    ))
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]

    def lease_out(group: list[list[int]]) -> int:
        for chunk in group:
            token = uuid.uuid4().hex
            db.session.execute(
                update(Reminder).where(Reminder.id.in_(chunk), claimable(now))
                .values(claim_token=token, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            enqueue(tasknames.REMINDERS_SEND_BATCH, token, chunk)
            batches.append((token, chunk))
        return len(group)

    batches: list[tuple[str, list[int]]] = []
    if commit is None:
        lease_out(chunks)
    else:
        commit()
        for chunk in chunks:
            mark = len(batches)

            def one(chunk=chunk, mark=mark) -> int:
                del batches[mark:]  # a retried batch is leased (and sent) again, once
                return lease_out([chunk])

            commit_retrying(one, commit=commit)
    db.session.flush()
    return batches
