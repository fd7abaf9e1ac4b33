"""Every periodic job of the product, in one place (Celery beat reads SCHEDULE).

An entry names a task by its stable `name=` and says how often to run it, e.g.::

    from celery.schedules import crontab

    SCHEDULE = {
        "rollup-current-month": {
            "task": "advocacy.rollup_current_month",
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

from typing import Any

SCHEDULE: dict[str, dict[str, Any]] = {
    # issue 3: reminders the day before an account takeover
    "takeover-reminders": {
        "task": "advocacy.send_takeover_reminders",
        "schedule": 600.0,
        "args": [],
        "options": {"expires": 540},
    },
    # Monthly activity rollups for dashboards: only months with new events are recomputed.
    "activity-rollup-recent": {
        "task": "advocacy.activity.rollup_recent",
        "schedule": 300.0,
        "args": [],
        "options": {"expires": 240},
    },
    # Clicks wait in a Redis stream (advocacy/tracking/fastpath.py): drain every few seconds.
    "tracking-drain-clicks": {
        "task": "advocacy.tracking.drain_clicks",
        "schedule": 5.0,
        "args": [],
        "options": {"expires": 5},
    },
    # The redirect's shared target cache: checked every 15 s, rewritten from the database
    # when the last warm is older than TRACKING_WARM_INTERVAL (or everything was dropped).
    "tracking-warm-targets": {
        "task": "advocacy.tracking.warm_targets",
        "schedule": 15.0,
        "args": [],
        "options": {"expires": 15},
    },
    # Reminders: plan due rows (at most every 5 min), then fan out batches of recipients.
    "reminders-scan": {
        "task": "advocacy.reminders.scan",
        "schedule": 60.0,
        "args": [],
        "options": {"expires": 55},
    },
    # issue 13: job feeds from the applicant-tracking system (one task per feed)
    "recruitment-read-feeds": {
        "task": "advocacy.recruitment.read_feeds",
        "schedule": 1800.0,
        "args": [],
        "options": {"expires": 1500},
    },
}

# issue 6: retention, buffered clicks, exports, privacy notices
from advocacy.privacy.tasks import BEAT_SCHEDULE as _PRIVACY  # noqa: E402

SCHEDULE.update(_PRIVACY)
