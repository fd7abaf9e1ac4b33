"""The calendar: posts, events, job deadlines and takeovers on their days of the month."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from advocacy.db import utcnow
from advocacy.schedule_calendar import service as cal
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")


def test_calendar_month_shows_posts_events_deadlines_and_takeovers(db_session):
    now = utcnow()
    year, month = now.year, now.month
    start = datetime(year, month, 15, 10, tzinfo=ZoneInfo("UTC"))
    f.post("Job", kind="job", deadline_at=start + timedelta(days=1), now=start,
           starts_at=start)
    f.post("Career day", kind="event", event_at=start + timedelta(days=2), now=start)
    entries = cal.entries(year, month, OSLO)
    kinds = {(d.day, e.kind) for d, items in entries.items() for e in items if d.month == month}
    assert (15, "post") in kinds and (16, "deadline") in kinds and (17, "event") in kinds
    takeover = f.takeover(f.user(), days_ahead=1)
    later = cal.entries(takeover.day.year, takeover.day.month, OSLO)
    assert [e.kind for e in later[takeover.day]] == ["takeover"]
    assert cal.shift(2026, 12, 1) == (2027, 1) and cal.shift(2026, 1, -1) == (2025, 12)
    assert cal.parse_month("2026-13", date(2026, 5, 1)) == (2026, 5)
    assert all(len(week) == 7 for week in cal.weeks(2026, 2))
