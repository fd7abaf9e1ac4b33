"""The name of every Celery task, in one place: `advocacy.<feature>.<verb>`.

The web tier sends tasks by name (advocacy.jobs.enqueue) and never imports worker/; the
worker registers each task under the same constant (worker/*_tasks.py, worker/tasks.py),
and beat schedules by it (worker/schedule.py). tests/worker/test_task_names.py checks
that every name here is registered and that nothing is sent or scheduled by a literal.

Renaming a task: messages already waiting in Redis carry the old name, so the old name
stays registered as an alias for one release (`RENAMED`, old -> new).
"""

from __future__ import annotations

SEND_WELCOME = "advocacy.accounts.send_welcome"
SEND_LOCKOUT_NOTICE = "advocacy.accounts.send_lockout_notice"
SEND_LOGIN_LINK = "advocacy.accounts.send_login_link"
ROLLUP_RECENT = "advocacy.activity.rollup_recent"
DRAIN_CLICKS = "advocacy.tracking.drain_clicks"
WARM_TARGETS = "advocacy.tracking.warm_targets"
CANARY = "advocacy.ops.canary"
REMINDERS_SCAN = "advocacy.reminders.scan"
REMINDERS_SEND_BATCH = "advocacy.reminders.send_batch"
READ_FEED = "advocacy.recruitment.read_feed"
READ_FEEDS = "advocacy.recruitment.read_feeds"
BUILD_EXPORT = "advocacy.privacy.build_export"
BUILD_EXPORTS = "advocacy.privacy.build_exports"
RETENTION = "advocacy.privacy.retention"
SEND_NOTICES = "advocacy.privacy.send_notices"

# Names used before 2026-12 (messages sent by an older version may still wait in Redis).
RENAMED = {
    "advocacy.send_welcome_email": SEND_WELCOME,
    "privacy.build_export": BUILD_EXPORT,
    "privacy.build_exports": BUILD_EXPORTS,
    "privacy.retention": RETENTION,
    "privacy.send_notices": SEND_NOTICES,
    "tracking.drain_pending_clicks": DRAIN_CLICKS,
}


def all_names() -> set[str]:
    return {value for key, value in globals().items()
            if key.isupper() and isinstance(value, str) and value.startswith("advocacy.")}
