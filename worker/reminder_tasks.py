"""Reminder tasks: the periodic scan (under a Redis lock) and one task per batch of recipients.

Both are idempotent. The scan only inserts rows keyed by UNIQUE(user, kind, period, channel)
and leases due rows to batches; a batch claims its rows with a conditional UPDATE before
sending (see advocacy/reminders/delivery.py), so a batch delivered twice, or redelivered
after a crash, never sends a row twice. Retries are rows with a later `due_at`, not ETA
tasks; a batch that dies leaves leased rows that the scan hands out again when the lease ends.
"""

from __future__ import annotations

from typing import Any

import redis
from celery import Task
from celery.utils.log import get_task_logger
from flask import current_app
from redis.exceptions import LockError

from advocacy import tasknames
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.reminders import delivery, dispatch, planning, report
from worker import celery

log = get_task_logger(__name__)

SCAN_LOCK = "advocacy:reminders:scan-lock"
PLAN_MARK = "advocacy:reminders:planned"
# Longer than any scan should take, short enough that a crashed scan blocks at most this long.
SCAN_LOCK_TTL = 300
# Planning (working out who is due) costs a queue look-up per person: at most every 5 minutes.
PLAN_EVERY = 300


def _redis() -> redis.Redis:
    return redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5,
                                socket_connect_timeout=5)


@celery.task(name=tasknames.REMINDERS_SCAN, bind=True)
def scan(self: Task, force_plan: bool = False) -> dict[str, Any]:
    """Plan due reminders, note which were acted on, and fan due rows out in batches."""
    client = _redis()
    # redis-py's Lock: SET NX PX with a random token; release is a compare-and-delete script,
    # so a scan never frees a lock that expired and was taken by another beat's scan.
    lock = client.lock(SCAN_LOCK, timeout=SCAN_LOCK_TTL, blocking=False)
    if not lock.acquire():
        log.info("reminder scan skipped: another scan holds the lock")
        return {"skipped": True}
    try:
        now = utcnow()
        planned = 0
        # Each step commits in small batches: on SQLite the write lock is held for
        # milliseconds at a time, never for the whole scan.
        if force_plan or client.set(PLAN_MARK, now.isoformat(), nx=True, ex=PLAN_EVERY):
            planned = planning.plan(now, commit=db.session.commit)
        acted = report.mark_acted_on(now, commit=db.session.commit)
        batches = dispatch.dispatch(now, commit=db.session.commit)
        db.session.commit()  # each batch's task went to the broker as its lease committed
        rows = sum(len(ids) for _token, ids in batches)
        log.info("reminder scan: %s planned, %s batches (%s rows)", planned, len(batches), rows)
        return {"planned": planned, "acted_on": acted, "batches": len(batches), "rows": rows}
    except Exception:
        db.session.rollback()
        raise
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("reminder scan outlived its lock")


@celery.task(name=tasknames.REMINDERS_SEND_BATCH, bind=True, acks_late=True)
def send_batch(self: Task, batch_token: str, ids: list[int]) -> dict[str, int]:
    """Send one batch; safe to run twice (the claim decides who sends)."""
    try:
        return delivery.send_batch(batch_token, ids, commit=db.session.commit)
    except Exception:
        db.session.rollback()
        raise
