"""Privacy tasks: retention, data exports and privacy notices (thin: ids in, commit out).

The work lives in advocacy.privacy (exports, retention, notices); views enqueue by name
(advocacy.tasknames) after their commit. The same work is reachable from `flask privacy ...`.
"""

from __future__ import annotations

from advocacy import tasknames
from advocacy.db import utcnow
from advocacy.extensions import db
from worker import celery

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 30, "retry_backoff_max": 600,
         "retry_jitter": True}


@celery.task(name=tasknames.BUILD_EXPORT, acks_late=True, max_retries=5, **RETRY)
def build_export(export_id: int) -> None:
    from advocacy.privacy import exports

    try:
        exports.build_export(int(export_id), utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


@celery.task(name=tasknames.BUILD_EXPORTS, acks_late=True)
def build_exports() -> int:
    from advocacy.privacy import exports

    ids = exports.pending_export_ids()
    for export_id in ids:
        exports.build_export(export_id, utcnow())
        db.session.commit()
    return len(ids)


@celery.task(name=tasknames.RETENTION, acks_late=True, max_retries=3, **RETRY)
def retention() -> dict:
    from advocacy.privacy.retention import run_retention

    try:
        report = run_retention(utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report.__dict__


@celery.task(name=tasknames.SEND_NOTICES, acks_late=True, max_retries=5, **RETRY)
def send_notices() -> int:
    from advocacy.privacy import mailer, notices

    try:
        # committed after each message: a retry resends only to those not yet told
        sent = notices.send_notice_emails(mailer.send_notice, utcnow(), db.session.commit)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return sent
