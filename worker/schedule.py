"""Every periodic job of the product, in one place (Celery beat reads SCHEDULE).

An entry names a task by its stable `name=` and says how often to run it, e.g.::

    from celery.schedules import crontab

    SCHEDULE = {
        "rollup-current-month": {
            "task": tasknames.ROLLUP_RECENT,   # a name from advocacy/tasknames.py
            "schedule": 300.0,                 # seconds, or crontab(minute="*/5")
            "args": [],                        # JSON only
            "options": {"expires": 240},       # a late run is skipped, not piled up
        },
    }

Schedules scan for due rows (`due_at`/`sent_at`, a unique dedupe key, a lock) instead of
using ETA tasks, so a restart or a second beat never sends anything twice. Run exactly one
`celery -A worker beat` per deployment; a second one is harmless (the scan takes a
Redis lock, and rows are unique), only wasteful.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from advocacy import tasknames

SCHEDULE: dict[str, dict[str, Any]] = {
    # Monthly activity rollups for dashboards: only months with new events are recomputed.
    "activity-rollup-recent": {
        "task": tasknames.ROLLUP_RECENT,
        "schedule": 300.0,
        "args": [],
        "options": {"expires": 240},
    },
    # Clicks wait in a Redis stream (advocacy/tracking/fastpath.py): drain every few seconds.
    "tracking-drain-clicks": {
        "task": tasknames.DRAIN_CLICKS,
        "schedule": 5.0,
        "args": [],
        "options": {"expires": 5},
    },
    # The redirect's shared target cache: checked every 15 s, rewritten from the database
    # when the last warm is older than TRACKING_WARM_INTERVAL (or everything was dropped).
    "tracking-warm-targets": {
        "task": tasknames.WARM_TARGETS,
        "schedule": 15.0,
        "args": [],
        "options": {"expires": 15},
    },
    # Reminders: plan due rows (at most every 5 min), then fan out batches of recipients.
    "reminders-scan": {
        "task": tasknames.REMINDERS_SCAN,
        "schedule": 60.0,
        "args": [],
        "options": {"expires": 55},
    },
    # job feeds from the applicant-tracking system (one task per feed)
    "recruitment-read-feeds": {
        "task": tasknames.READ_FEEDS,
        "schedule": 1800.0,
        "args": [],
        "options": {"expires": 1500},
    },
    # Privacy: retention every six hours, data exports and privacy notices that wait.
    "privacy-retention": {"task": tasknames.RETENTION, "schedule": timedelta(hours=6)},
    "privacy-build-exports": {"task": tasknames.BUILD_EXPORTS,
                              "schedule": timedelta(minutes=5)},
    "privacy-send-notices": {"task": tasknames.SEND_NOTICES, "schedule": timedelta(minutes=15)},
}
