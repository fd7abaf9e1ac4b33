"""Thin tasks: a stable name, JSON arguments (ids), retry with backoff, then commit.

The work itself lives in advocacy's services; a task only loads by id, calls, commits.
Rename a task only together with a period where both names are registered: messages
already in Redis carry the old name.
"""

from __future__ import annotations

from celery import Task
from celery.utils.log import get_task_logger
from celery.utils.time import get_exponential_backoff_interval
from sqlalchemy.exc import OperationalError

from advocacy import mail, tasknames
from advocacy.accounts import mailer as accounts_mail
from advocacy.extensions import db
from worker import celery

log = get_task_logger(__name__)

MAX_RETRIES = 6
# 30 s, 1, 2, 4, 8 min, then 10 min (with full jitter): at most ~25 min of trying.
BACKOFF_FACTOR = 30
BACKOFF_MAX = 600
# Celery's own retry options, for work that a database hiccup interrupts.
DATABASE_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": BACKOFF_FACTOR,
                  "retry_backoff_max": BACKOFF_MAX, "retry_jitter": True,
                  "max_retries": MAX_RETRIES}


def _retry(task: Task, exc: Exception) -> Exception:
    """For mail: whether a failure is worth another try depends on the SMTP answer's code
    (4xx or 5xx, mail.is_temporary), not on the exception's class, which is all Celery's
    autoretry_for can look at; so these tasks call Celery's retry with its own backoff."""
    countdown = get_exponential_backoff_interval(
        BACKOFF_FACTOR, task.request.retries, BACKOFF_MAX, full_jitter=True
    )
    log.warning("%s: temporary failure (%s), retry in %s s", task.name, exc, countdown)
    return task.retry(exc=exc, countdown=countdown, max_retries=MAX_RETRIES)


@celery.task(name=tasknames.SEND_WELCOME, bind=True)
def send_welcome_email(self: Task, user_id: int) -> bool:
    """Tell a newly added person how to get started, in their own language."""
    try:
        sent = accounts_mail.send_welcome(user_id)
    except Exception as exc:
        db.session.rollback()
        if mail.is_temporary(exc) and self.request.retries < MAX_RETRIES:
            raise _retry(self, exc) from exc
        record_mail_failure("welcome", user_id, exc)
        raise
    db.session.commit()
    return sent


@celery.task(name=tasknames.SEND_LOGIN_LINK, bind=True)
def send_login_link(self: Task, user_id: int, token: str) -> bool:
    """A one-time login link the person asked for ("Forgot your password?")."""
    try:
        sent = accounts_mail.send_login_link(user_id, token)
    except Exception as exc:
        db.session.rollback()
        if mail.is_temporary(exc) and self.request.retries < MAX_RETRIES:
            raise _retry(self, exc) from exc
        raise
    db.session.commit()
    return sent


@celery.task(name=tasknames.SEND_LOCKOUT_NOTICE, bind=True)
def send_lockout_notice(self: Task, user_id: int, address: str, at_iso: str) -> bool:
    """Warn a person that wrong passwords locked logging in to their account for a while."""
    try:
        sent = accounts_mail.send_lockout_notice(user_id, address, at_iso)
    except Exception as exc:
        db.session.rollback()
        if mail.is_temporary(exc):
            raise _retry(self, exc) from exc
        raise
    db.session.commit()
    return sent
def record_mail_failure(kind: str, user_id: int | None, exc: BaseException) -> None:
    """A permanent failure (or the last retry) shows on the curators' reminders page, not
    only in the log. Only the SMTP code and the error's class are kept (no address)."""
    from advocacy.audit import service as audit
    from advocacy.db import utcnow

    code = getattr(exc, "smtp_code", None)
    recipients = getattr(exc, "recipients", None)  # SMTPRecipientsRefused: address -> (code, text)
    if code is None and recipients:
        code = next(iter(recipients.values()))[0]
    try:
        audit.record(None, "mail.failed", now=utcnow(), target_type="user", target_id=user_id,
                     details={"kind": kind, "smtp_code": code, "error": type(exc).__name__})
        db.session.commit()
    except Exception:  # noqa: BLE001 - the database itself may be what failed
        db.session.rollback()
        log.exception("could not record the failed %s e-mail for user %s", kind, user_id)


@celery.task(name=tasknames.ROLLUP_RECENT, **DATABASE_RETRY)
def rollup_recent() -> list[str]:
    """Roll up the months with new activity (idempotent: a repeated run changes nothing);
    returns them as 'YYYY-MM'."""
    from advocacy.activity import rollup
    from advocacy.activity.months import month_key
    from advocacy.db import utcnow
    from advocacy.orgtime import org_tz

    try:
        months = rollup.rollup_recent(utcnow(), org_tz())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return [month_key(m) for m in months]


@celery.task(name=tasknames.DRAIN_CLICKS, **DATABASE_RETRY)
def drain_clicks() -> int:
    """Move waiting clicks (Redis stream, local spool) into the database; at least once,
    idempotent by click id, so a repeated or overlapping run adds nothing twice. While the
    database restarts the clicks wait in Redis and the drain is retried."""
    from advocacy.tracking.service import drain_pending_clicks

    try:
        return drain_pending_clicks(db.session.commit)
    except Exception:
        db.session.rollback()
        raise


@celery.task(name=tasknames.WARM_TARGETS)
def warm_targets(force: bool = False) -> int | None:
    """Write the newest shares' redirect targets into the cache shared in Redis (at most
    every TRACKING_WARM_INTERVAL), so they redirect while PostgreSQL is away."""
    from flask import current_app

    from advocacy.tracking import shared_cache

    try:
        return shared_cache.warm(current_app._get_current_object(), force=force)  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    finally:
        db.session.rollback()


CANARY_MAX_HOLD = 30.0


@celery.task(name=tasknames.CANARY, bind=True)
def canary(self: Task, hold_seconds: float = 0.0) -> dict:
    """Proves the worker consumes (fault suite, readiness probes); may hold a while, bounded."""
    import time

    hold = max(0.0, min(float(hold_seconds), CANARY_MAX_HOLD))
    started = time.time()
    if hold:
        time.sleep(hold)
    return {"started": started, "finished": time.time(), "hostname": self.request.hostname}
