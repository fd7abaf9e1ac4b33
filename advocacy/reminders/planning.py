"""Planning: which reminders are due now, as rows (digests, nudges, re-engagement, unit drops,
the year so far); a second plan adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.service import descendant_ids
from advocacy.activity.clicks import person_clicks_between
from advocacy.activity.months import month_of
from advocacy.content.models import Post
from advocacy.extensions import db
from advocacy.orgtime import org_tz
from advocacy.programme.models import Programme
from advocacy.queue.service import QueueItem, live_posts, rank
from advocacy.reminders.hours import next_allowed
from advocacy.reminders.models import Channel, Kind, Reminder, ReminderPreference, ReminderSettings
from advocacy.reminders.preferences import preferences_by_user
from advocacy.reminders.rows import (
    already_planned,
    channels_for,
    insert_ignore,
    new_row,
    write_in_batches,
)
from advocacy.reminders.settings import read_settings
from advocacy.sharing.models import Share

DIGEST_SIZE = 5
DEADLINE_WINDOW = timedelta(hours=48)
UNIT_WINDOW = timedelta(days=28)
# How far down a person's queue the planners look for new and waiting posts.
QUEUE_LOOKAHEAD = 1000


def participating():
    """Only people who joined the programme (and have not left) hear from it (opt-in)."""
    return (User.active.is_(True), User.joined_at.is_not(None), User.left_at.is_(None))


def ambassadors() -> list[User]:
    return list(db.session.scalars(
        select(User).where(
            *participating(),
            User.id.in_(select(Role.user_id).where(Role.name == RoleName.AMBASSADOR)),
        ).order_by(User.id)
    ))


class Queues:
    """Each person's queue, worked out once per planning run.

    The digest, nudge and re-engagement planners all read it; a shorter look is the top of the
    same ranking, so only a full look is kept.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.full: dict[int, list[QueueItem]] = {}

    def items(self, person: User, limit: int = QUEUE_LOOKAHEAD) -> list[QueueItem]:
        if person.id in self.full:
            return self.full[person.id][:limit]
        items = rank(person, self.now, limit=limit).items
        if limit == QUEUE_LOOKAHEAD:
            self.full[person.id] = items
        return items


def digest_period(pref: ReminderPreference, now: datetime, tz: ZoneInfo) -> str | None:
    local = now.astimezone(tz).date()
    if pref.frequency == "daily":
        return f"digest:{local.isoformat()}"
    if pref.frequency == "weekly":
        year, week, _day = local.isocalendar()
        return f"digest:{year}-W{week:02d}"
    return None


def plan_digests(now: datetime, people: list[User], prefs: dict[int, ReminderPreference],
                 settings: ReminderSettings, tz: ZoneInfo, queues: Queues) -> list[dict[str, Any]]:
    """(a) One digest per period with the fitting posts published since the last digest."""
    periods = {p.user_id: digest_period(p, now, tz) for p in prefs.values()}
    done = already_planned(Kind.DIGEST, [p for p in periods.values() if p])
    last = dict(db.session.execute(
        select(Reminder.user_id, func.max(Reminder.created_at))
        .where(Reminder.kind == Kind.DIGEST).group_by(Reminder.user_id)
    ).tuples().all())
    rows = []
    for person in people:
        pref, period = prefs[person.id], periods[person.id]
        if not period or (person.id, period) in done:
            continue
        channels = channels_for(pref, Kind.DIGEST, settings)
        if not channels:
            continue
        since = last.get(person.id)
        items = queues.items(person)
        fresh = [i.post for i in items if since is None or
                 (i.post.published_at is not None and i.post.published_at > since)]
        if not fresh:
            continue
        payload = {"post_ids": [p.id for p in fresh[:DIGEST_SIZE]], "new": len(fresh),
                   "more": len(items) - min(len(fresh), DIGEST_SIZE)}
        due = next_allowed(pref, now, tz)
        rows += [new_row(person.id, Kind.DIGEST, period, c, due, now, payload) for c in channels]
    return rows


# Extension point for (b) "endorsed": the endorsements feature registers a function that
# returns (post_id, endorser_name) pairs of currently endorsed posts; nudges follow.
EndorsedSource = Callable[[datetime], Iterable[tuple[int, str]]]
ENDORSED_SOURCES: list[EndorsedSource] = []


def register_endorsed_source(source: EndorsedSource) -> EndorsedSource:
    """Called by the endorsements feature at import time (usable as a decorator)."""
    if source not in ENDORSED_SOURCES:
        ENDORSED_SOURCES.append(source)
    return source


def plan_nudges(now: datetime, people: list[User], prefs: dict[int, ReminderPreference],
                settings: ReminderSettings, tz: ZoneInfo, queues: Queues) -> list[dict[str, Any]]:
    """(b) A nudge per person and post when a fitting post is endorsed or ends within 48 h."""
    near = {
        post.id: post for post in db.session.scalars(
            live_posts(now).where(Post.ends_at.is_not(None), Post.ends_at <= now + DEADLINE_WINDOW)
        )
    }
    endorsed: dict[int, str] = {}
    for source in ENDORSED_SOURCES:
        for post_id, endorser in source(now):
            endorsed.setdefault(int(post_id), str(endorser))
    if not near and not endorsed:
        return []
    wanted = {f"deadline:{pid}" for pid in near} | {f"endorsed:{pid}" for pid in endorsed}
    done = already_planned(Kind.NUDGE, wanted)
    rows = []
    for person in people:
        pref = prefs[person.id]
        channels = channels_for(pref, Kind.NUDGE, settings)
        if not channels:
            continue
        waiting = {i.post.id: i.post for i in queues.items(person)}
        due = next_allowed(pref, now, tz)
        for post_id, post in near.items():
            period = f"deadline:{post_id}"
            if post_id in waiting and (person.id, period) not in done and due < post.ends_at:
                payload = {"reason": "deadline", "ends_at": post.ends_at.isoformat()}
                rows += [new_row(person.id, Kind.NUDGE, period, c, due, now, payload, post_id)
                         for c in channels]
        for post_id, endorser in endorsed.items():
            period = f"endorsed:{post_id}"
            if post_id in waiting and (person.id, period) not in done:
                payload = {"reason": "endorsed", "endorser": endorser}
                rows += [new_row(person.id, Kind.NUDGE, period, c, due, now, payload, post_id)
                         for c in channels]
    return rows


def plan_reengagement(now: datetime, people: list[User], prefs: dict[int, ReminderPreference],
                      settings: ReminderSettings, tz: ZoneInfo,
                      queues: Queues) -> list[dict[str, Any]]:
    """(c) One message per quiet stretch: N weeks after the last share (or after joining)."""
    last_share = dict(db.session.execute(
        select(Share.user_id, func.max(Share.created_at)).group_by(Share.user_id)
    ).tuples().all())
    quiet = timedelta(weeks=settings.reengage_weeks)
    candidates = {}
    for person in people:
        anchor = last_share.get(person.id) or person.created_at
        if now - anchor >= quiet:
            candidates[person.id] = f"since:{anchor.astimezone(tz).date().isoformat()}"
    done = already_planned(Kind.REENGAGE, candidates.values())
    rows = []
    for person in people:
        period = candidates.get(person.id)
        if period is None or (person.id, period) in done:
            continue
        pref = prefs[person.id]
        channels = channels_for(pref, Kind.REENGAGE, settings)
        if not channels:
            continue
        items = queues.items(person, limit=3)
        payload = {"post_ids": [i.post.id for i in items], "weeks": settings.reengage_weeks}
        due = next_allowed(pref, now, tz)
        rows += [new_row(person.id, Kind.REENGAGE, period, c, due, now, payload) for c in channels]
    return rows


def unit_activity(unit_ids: set[int], start: datetime, end: datetime) -> tuple[int, int]:
    """(shares, distinct sharing people) in the units during [start, end)."""
    shares, people = db.session.execute(
        select(func.count(Share.id), func.count(func.distinct(Share.user_id)))
        .join(User, User.id == Share.user_id)
        .where(User.unit_id.in_(unit_ids), Share.created_at >= start, Share.created_at < end)
    ).one()
    return int(shares), int(people)


def plan_unit_drops(now: datetime, settings: ReminderSettings,
                    tz: ZoneInfo) -> list[dict[str, Any]]:
    """(c) A note to each leader whose unit's sharing fell; figures only, never names, and
    nothing for units with fewer ambassadors than the programme's privacy minimum."""
    programme = db.session.get(Programme, 1)
    minimum = programme.min_group_size if programme else 5
    month = now.astimezone(tz).strftime("%Y-%m")
    led = db.session.execute(
        select(Role.user_id, Role.unit_id).join(User, User.id == Role.user_id).where(
            Role.name == RoleName.LEADER, Role.unit_id.is_not(None), User.active.is_(True)
        )
    ).tuples()
    # Every row has a unit (the WHERE says so); the check tells the type checker so.
    roles = [(leader, unit) for leader, unit in led if unit is not None]
    done = already_planned(Kind.UNIT_DROP, {f"unit:{unit_id}:{month}" for _u, unit_id in roles})
    prefs = preferences_by_user({leader for leader, _unit in roles})
    rows = []
    for leader_id, unit_id in roles:
        period = f"unit:{unit_id}:{month}"
        if (leader_id, period) in done:
            continue
        units = descendant_ids({unit_id})
        size = db.session.scalar(
            select(func.count(User.id)).where(
                User.unit_id.in_(units), *participating(),
                User.id.in_(select(Role.user_id).where(Role.name == RoleName.AMBASSADOR)),
            )
        ) or 0
        if size < minimum:
            continue
        before = unit_activity(units, now - 2 * UNIT_WINDOW, now - UNIT_WINDOW)
        recent = unit_activity(units, now - UNIT_WINDOW, now)
        if before[0] == 0 or recent[0] > before[0] * (100 - settings.unit_drop_percent) / 100:
            continue
        pref = prefs[leader_id]
        channels = [c for c in channels_for(pref, Kind.UNIT_DROP, settings) if c == Channel.EMAIL]
        unit = db.session.get(Unit, unit_id)
        payload = {"unit": unit.name if unit else "", "ambassadors": size,
                   "shares_before": before[0], "shares_now": recent[0],
                   "sharers_before": before[1], "sharers_now": recent[1]}
        due = next_allowed(pref, now, tz)
        rows += [new_row(leader_id, Kind.UNIT_DROP, period, c, due, now, payload) for c in channels]
    return rows


def year_so_far(user_id: int, year: int, until: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Shares and human clicks from January up to `until` (the start of a month); clicks
    through their one owner, so months pruned by retention still count."""
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=tz)
    shares = db.session.scalar(
        select(func.count(Share.id)).where(
            Share.user_id == user_id, Share.created_at >= start, Share.created_at < until
        )
    ) or 0
    clicks = person_clicks_between(user_id, year * 12, month_of(until, tz), tz)
    return {"shares": int(shares), "clicks": int(clicks)}


def plan_year(now: datetime, people: list[User], prefs: dict[int, ReminderPreference],
              settings: ReminderSettings, tz: ZoneInfo) -> list[dict[str, Any]]:
    """(f) Early each month: the person's year up to the end of last month."""
    local = now.astimezone(tz)
    month_start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=tz)
    last_month = (local.date().replace(day=1) - timedelta(days=1))
    period = f"year:{last_month:%Y-%m}"
    done = already_planned(Kind.YEAR, [period])
    rows = []
    for person in people:
        if (person.id, period) in done or person.created_at >= month_start:
            continue
        pref = prefs[person.id]
        channels = [c for c in channels_for(pref, Kind.YEAR, settings) if c == Channel.EMAIL]
        if not channels:
            continue
        payload = {"year": last_month.year, "month": last_month.month,
                   **year_so_far(person.id, last_month.year, month_start, tz)}
        due = next_allowed(pref, now, tz)
        rows += [new_row(person.id, Kind.YEAR, period, c, due, now, payload) for c in channels]
    return rows

def plan(now: datetime, *, commit: Callable[[], None] | None = None) -> int:
    """Insert every reminder that is due by `now` (idempotent); returns rows added.

    Planning reads (each person's ranked queue, read-only) and then writes the rows; with
    `commit` (the scan task) the rows go in batches of WRITE_BATCH, each committed."""
    tz = org_tz()
    settings = read_settings()
    people = ambassadors()
    prefs = preferences_by_user(p.id for p in people)
    rows: list[dict[str, Any]] = []
    queues = Queues(now)
    rows += plan_digests(now, people, prefs, settings, tz, queues)
    rows += plan_nudges(now, people, prefs, settings, tz, queues)
    rows += plan_reengagement(now, people, prefs, settings, tz, queues)
    rows += plan_unit_drops(now, settings, tz)
    rows += plan_year(now, people, prefs, settings, tz)
    added = write_in_batches(rows, insert_ignore, commit)
    db.session.flush()
    return added
