"""Job feeds: beat runs read_feeds every 30 minutes, which sends one read_feed per feed.

Thin: ids in, a service call, commit. A failed fetch is recorded on the feed (not retried:
the next scheduled run tries again); a database hiccup is retried by Celery's own options.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import OperationalError

from advocacy import tasknames
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.orgtime import org_tz
from advocacy.recruitment import feeds
from advocacy.recruitment.models import JobFeed
from worker import celery


@celery.task(name=tasknames.READ_FEED, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def read_feed(feed_id: int) -> dict:
    """Read one feed and bring its draft job posts in step with it."""
    feed = db.session.get(JobFeed, int(feed_id))
    if feed is None or not feed.active:
        return {"skipped": True}
    config = current_app.config
    try:
        run = feeds.read_feed(
            feed, now=utcnow(), tz=org_tz(), timeout=config["JOB_FEED_TIMEOUT"],
            max_bytes=config["JOB_FEED_MAX_BYTES"],
            allow_private=config["JOB_FEED_ALLOW_PRIVATE"],
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"ok": run.ok, "created": run.created, "updated": run.updated,
            "archived": run.archived, "error": run.error}


@celery.task(name=tasknames.READ_FEEDS, acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=3)
def read_feeds() -> int:
    """Fan out: one task per active feed, so a slow feed does not hold the others up."""
    ids = feeds.active_feed_ids()
    for feed_id in ids:
        read_feed.delay(feed_id)
    return len(ids)
