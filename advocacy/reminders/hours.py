"""Working hours in the organisation's time zone: when a reminder may go out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from advocacy.reminders.models import ReminderPreference


def allowed_at(pref: ReminderPreference, moment: datetime, tz: ZoneInfo) -> bool:
    """True when `moment` lies inside the person's working hours and days (local time)."""
    local = moment.astimezone(tz)
    return (
        str(local.isoweekday()) in pref.work_days
        and pref.work_start <= local.hour < pref.work_end
    )


def next_allowed(pref: ReminderPreference, now: datetime, tz: ZoneInfo) -> datetime:
    """`now` if reminders may go out now, else the start of the next working window (UTC)."""
    if allowed_at(pref, now, tz):
        return now
    if not pref.work_days or pref.work_start >= pref.work_end:
        return now + timedelta(days=3650)  # no window at all: effectively never
    local_day = now.astimezone(tz).date()
    for offset in range(0, 8):
        day = local_day + timedelta(days=offset)
        if str(day.isoweekday()) not in pref.work_days:
            continue
        # Wall-clock start in the zone of that day: 08:00 is 06:00 UTC in summer, 07:00 in winter.
        start = datetime.combine(day, time(pref.work_start), tzinfo=tz).astimezone(now.tzinfo)
        if start > now:
            return start
    return now + timedelta(days=3650)  # pragma: no cover - a week always has a window


def allowed_before(pref: ReminderPreference, preferred: datetime, deadline: datetime,
                   now: datetime, tz: ZoneInfo) -> datetime:
    """When to send something meant for `preferred` that must arrive before `deadline`.

    The first allowed moment from `preferred` (or now, if later) when that comes before the
    deadline; else the start of the last working window before the deadline, if it is not
    over yet (a Monday shift is announced on Friday morning, not on Sunday); else, with no
    working hour left before the deadline, the first allowed moment after all (the morning
    of the day itself)."""
    start = max(now, preferred)
    first = next_allowed(pref, start, tz)
    if first < deadline:
        return first
    hour = deadline.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    while hour > now:
        hour -= timedelta(hours=1)
        if allowed_at(pref, hour, tz):
            window = datetime.combine(hour.date(), time(pref.work_start), tzinfo=tz)
            return max(window, now).astimezone(now.tzinfo)
    return first
