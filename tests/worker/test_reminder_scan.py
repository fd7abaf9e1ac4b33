"""The scan task called directly: one scan at a time (Redis lock), plan marker, fan-out."""

from __future__ import annotations

import redis

from advocacy import tasknames
from advocacy.db import utcnow
from advocacy.reminders import notices
from advocacy.reminders.models import Kind, ReminderPreference
from tests import factories as f


def test_a_second_scan_while_one_holds_the_lock_does_nothing(db_session, app):
    from worker import reminder_tasks

    person = f.user()
    db_session.add(ReminderPreference(user_id=person.id, work_start=0, work_end=24,
                                      work_days="1234567"))
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    client.delete(reminder_tasks.PLAN_MARK)
    held = client.lock(reminder_tasks.SCAN_LOCK, timeout=30)
    assert held.acquire(blocking=False)
    try:
        assert reminder_tasks.scan() == {"skipped": True}
    finally:
        held.release()
    result = reminder_tasks.scan()
    assert result["rows"] == 1 and result["batches"] == 1
    assert client.get(reminder_tasks.SCAN_LOCK) is None  # released
    assert client.ttl(reminder_tasks.PLAN_MARK) > 0  # planned; the next minute will not
    assert reminder_tasks.scan()["planned"] == 0
    client.delete(reminder_tasks.PLAN_MARK)


def test_the_beat_schedule_has_the_scan_every_minute():
    from worker import celery
    from worker.schedule import SCHEDULE

    entry = SCHEDULE["reminders-scan"]
    assert entry["task"] == "advocacy.reminders.scan" and entry["schedule"] == 60.0
    assert entry["options"]["expires"] < 60
    assert {"advocacy.reminders.scan", tasknames.REMINDERS_SEND_BATCH} <= set(celery.tasks)
    assert celery.tasks[tasknames.REMINDERS_SEND_BATCH].acks_late is True
