"""Celery tasks for privacy (thin: ids in, commit out) and the enqueue used by the views.

`shared_task`s with stable names; worker/ includes this module and its schedule takes
BEAT_SCHEDULE. The same work is reachable from `flask privacy ...`; views enqueue through
advocacy.jobs.enqueue (after commit).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from flask import current_app, has_app_context

log = logging.getLogger(__name__)

BEAT_SCHEDULE = {
    "privacy-retention": {"task": "privacy.retention", "schedule": timedelta(hours=6)},
    "privacy-build-exports": {"task": "privacy.build_exports", "schedule": timedelta(minutes=5)},
    "privacy-send-notices": {"task": "privacy.send_notices", "schedule": timedelta(minutes=15)},
}

_app = None


@contextmanager
def app_context():
    """Tasks run inside the Flask app (created once per worker process)."""
    global _app
    if has_app_context():
        yield current_app
        return
    if _app is None:
        from advocacy import create_app

        _app = create_app()
    with _app.app_context():
        yield _app


@shared_task(name="privacy.build_export", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def build_export(export_id: int) -> None:
    from advocacy.db import utcnow
    from advocacy.extensions import db
    from advocacy.privacy import service

    with app_context():
        service.build_export(int(export_id), utcnow())
        db.session.commit()


@shared_task(name="privacy.build_exports", acks_late=True)
def build_exports() -> int:
    from advocacy.db import utcnow
    from advocacy.extensions import db
    from advocacy.privacy import service

    with app_context():
        ids = service.pending_export_ids()
        for export_id in ids:
            service.build_export(export_id, utcnow())
            db.session.commit()
        return len(ids)


@shared_task(name="privacy.retention", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=3)
def retention() -> dict:
    from advocacy.db import utcnow
    from advocacy.extensions import db
    from advocacy.privacy import service

    with app_context():
        report = service.run_retention(utcnow())
        db.session.commit()
        return report.__dict__


@shared_task(name="tracking.drain_pending_clicks", acks_late=True)
def drain_pending_clicks() -> int:
    from advocacy.extensions import db
    from advocacy.tracking.service import drain_pending_clicks as drain

    with app_context():
        return drain(db.session.commit)


@shared_task(name="privacy.send_notices", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def send_notices() -> int:
    from advocacy.db import utcnow
    from advocacy.extensions import db
    from advocacy.privacy import mailer, service

    with app_context():
        try:
            # committed after each message: a retry resends only to those not yet told
            sent = service.send_notice_emails(mailer.send_notice, utcnow(), db.session.commit)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return sent
