"""Planning reminders as rows, choosing when they may go out, and handing them to the worker.

The flow: `plan(now)` inserts due rows (the dedupe key UNIQUE(user, kind, period, channel)
makes a second plan a no-op); `dispatch(now)` leases due rows to batches and enqueues one
task per batch (after commit); `advocacy.reminders.delivery.send_batch` claims, sends and
marks each row. No ETA tasks: a retry is a later `due_at` that the next scan picks up.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from advocacy import tasknames
from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.service import descendant_ids
from advocacy.activity.clicks import person_clicks_between
from advocacy.activity.months import month_of
from advocacy.content.models import Post
from advocacy.db import commit_retrying
from advocacy.extensions import db
from advocacy.jobs import enqueue
from advocacy.orgtime import org_tz
from advocacy.programme.models import Programme
from advocacy.queue.service import QueueItem, live_posts, rank
from advocacy.reminders.models import (
    Channel,
    Kind,
    Reminder,
    ReminderPreference,
    ReminderSettings,
    Status,
)
from advocacy.sharing.models import Share

DIGEST_SIZE = 5
DEADLINE_WINDOW = timedelta(hours=48)
ACTED_ON_WINDOW = timedelta(hours=48)
UNIT_WINDOW = timedelta(days=28)
FREQUENCIES = ("daily", "weekly", "off")
# How far down a person's queue the planners look for new and waiting posts.
QUEUE_LOOKAHEAD = 1000
# Rows per write transaction when the scan commits as it goes (SQLite: one writer at a time).
WRITE_BATCH = 500
# Personal content (activity figures) never goes to a shared Teams/Slack channel.
CHAT_KINDS = {Kind.DIGEST, Kind.NUDGE, Kind.NOTICE, Kind.TAKEOVER}


class ReminderError(ValueError):
    """Bad input to a reminder service; the message is shown to the person."""


# --- time: working hours in the organisation's time zone ----------------------------------


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


# --- preferences and settings --------------------------------------------------------------


def defaults(user_id: int) -> ReminderPreference:
    return ReminderPreference(
        user_id=user_id, frequency="weekly", email=True, chat=False, work_start=8,
        work_end=16, work_days="12345", unsubscribed="",
    )


def preference_for(user: User) -> ReminderPreference:
    """The person's saved choices, or the defaults (not added to the session)."""
    return db.session.get(ReminderPreference, user.id) or defaults(user.id)


def preferences_by_user(user_ids: Iterable[int]) -> dict[int, ReminderPreference]:
    ids = list(user_ids)
    found: dict[int, ReminderPreference] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for pref in db.session.scalars(
            select(ReminderPreference).where(ReminderPreference.user_id.in_(chunk))
        ):
            found[pref.user_id] = pref
    return {uid: found.get(uid) or defaults(uid) for uid in ids}


def save_preferences(
    user: User, *, frequency: str, email: bool, chat: bool, work_start: int, work_end: int,
    work_days: Iterable[int], subscribed: Iterable[str],
) -> ReminderPreference:
    if frequency not in FREQUENCIES:
        raise ReminderError("Unknown frequency.")
    if not (0 <= work_start < work_end <= 24):
        raise ReminderError("The working day must start before it ends.")
    days = "".join(sorted({str(d) for d in work_days if 1 <= int(d) <= 7}))
    if not days:
        raise ReminderError("Choose at least one day.")
    wanted = set(subscribed)
    pref = db.session.get(ReminderPreference, user.id)
    if pref is None:
        pref = defaults(user.id)
        db.session.add(pref)
    pref.frequency = frequency
    pref.email, pref.chat = email, chat
    pref.work_start, pref.work_end, pref.work_days = work_start, work_end, days
    pref.unsubscribed = ",".join(k.value for k in Kind if k.value not in wanted)
    db.session.flush()
    return pref


def unsubscribe(user_id: int, kind: str) -> bool:
    """Stop one kind for one person (idempotent); False for an unknown person or kind."""
    user = db.session.get(User, user_id)
    if user is None or kind not in Kind.__members__.values():
        return False
    pref = db.session.get(ReminderPreference, user_id)
    if pref is None:
        pref = defaults(user_id)
        db.session.add(pref)
    kinds = pref.unsubscribed_kinds() | {kind}
    pref.unsubscribed = ",".join(sorted(kinds))
    # Waiting reminders of that kind are not sent either.
    db.session.execute(
        update(Reminder)
        .where(Reminder.user_id == user_id, Reminder.kind == kind,
               Reminder.status == Status.PENDING)
        .values(status=Status.SKIPPED, last_error="unsubscribed")
    )
    db.session.flush()
    return True


def get_settings() -> ReminderSettings:
    settings = db.session.get(ReminderSettings, 1)
    if settings is None:
        settings = ReminderSettings(id=1, webhook_url="", webhook_kind="slack",
                                    reengage_weeks=6, unit_drop_percent=50,
                                    tracking_pixel=False)
        db.session.add(settings)
        db.session.flush()
    return settings


def read_settings() -> ReminderSettings:
    """Settings without creating the row (workers read, they do not write settings)."""
    return db.session.get(ReminderSettings, 1) or ReminderSettings(
        id=1, webhook_url="", webhook_kind="slack", reengage_weeks=6, unit_drop_percent=50,
        tracking_pixel=False,
    )


def webhook_problem(url: str) -> str | None:
    """Why a webhook URL is not acceptable, or None (https, or http to this machine only)."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return "This is not a valid web address."
    del port
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return "Use a full https:// address as Teams or Slack gives it."
    if parts.scheme == "http" and parts.hostname not in {"localhost", "127.0.0.1", "::1"}:
        return "Use https: the address carries a secret and must be encrypted."
    if any(c.isspace() for c in url):
        return "The address must not contain spaces."
    return None


def save_settings(*, webhook_url: str, webhook_kind: str, reengage_weeks: int,
                  unit_drop_percent: int, tracking_pixel: bool) -> ReminderSettings:
    problem = webhook_problem(webhook_url)
    if problem:
        raise ReminderError(problem)
    if webhook_kind not in {"slack", "teams"}:
        raise ReminderError("Unknown chat service.")
    settings = get_settings()
    settings.webhook_url = webhook_url.strip()
    settings.webhook_kind = webhook_kind
    settings.reengage_weeks = reengage_weeks
    settings.unit_drop_percent = unit_drop_percent
    settings.tracking_pixel = tracking_pixel
    db.session.flush()
    return settings


# --- planning: which rows are due ------------------------------------------------------------


def _channels(pref: ReminderPreference, kind: str, settings: ReminderSettings) -> list[str]:
    if kind in pref.unsubscribed_kinds():
        return []
    channels = []
    if pref.email:
        channels.append(Channel.EMAIL.value)
    if pref.chat and settings.webhook_url and kind in CHAT_KINDS:
        channels.append(Channel.CHAT.value)
    return channels


def _insert_ignore(rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on the dedupe key; returns rows actually added."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    added = 0
    for start in range(0, len(rows), 500):
        table = Reminder.__table__
        statement = dialect_insert(table).on_conflict_do_nothing(
            index_elements=["user_id", "kind", "period", "channel"]
        ).returning(table.c.id)
        # RETURNING lists only the rows really inserted (a conflict returns nothing).
        result = db.session.connection().execute(statement, rows[start:start + 500])
        added += len(result.all())
    return added


def _row(user_id: int, kind: str, period: str, channel: str, due_at: datetime, now: datetime,
         payload: dict[str, Any], post_id: int | None = None) -> dict[str, Any]:
    return {
        "user_id": user_id, "kind": kind, "period": period, "channel": channel,
        "due_at": due_at, "created_at": now, "payload": payload, "post_id": post_id,
        "status": Status.PENDING.value, "attempts": 0,
    }


def _existing(kind: str, periods: Iterable[str]) -> set[tuple[int, str]]:
    periods = list(set(periods))
    if not periods:
        return set()
    return set(db.session.execute(
        select(Reminder.user_id, Reminder.period).where(
            Reminder.kind == kind, Reminder.period.in_(periods)
        )
    ).tuples().all())


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
    done = _existing(Kind.DIGEST, [p for p in periods.values() if p])
    last = dict(db.session.execute(
        select(Reminder.user_id, func.max(Reminder.created_at))
        .where(Reminder.kind == Kind.DIGEST).group_by(Reminder.user_id)
    ).tuples().all())
    rows = []
    for person in people:
        pref, period = prefs[person.id], periods[person.id]
        if not period or (person.id, period) in done:
            continue
        channels = _channels(pref, Kind.DIGEST, settings)
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
        rows += [_row(person.id, Kind.DIGEST, period, c, due, now, payload) for c in channels]
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
    done = _existing(Kind.NUDGE, wanted)
    rows = []
    for person in people:
        pref = prefs[person.id]
        channels = _channels(pref, Kind.NUDGE, settings)
        if not channels:
            continue
        waiting = {i.post.id: i.post for i in queues.items(person)}
        due = next_allowed(pref, now, tz)
        for post_id, post in near.items():
            period = f"deadline:{post_id}"
            if post_id in waiting and (person.id, period) not in done and due < post.ends_at:
                payload = {"reason": "deadline", "ends_at": post.ends_at.isoformat()}
                rows += [_row(person.id, Kind.NUDGE, period, c, due, now, payload, post_id)
                         for c in channels]
        for post_id, endorser in endorsed.items():
            period = f"endorsed:{post_id}"
            if post_id in waiting and (person.id, period) not in done:
                payload = {"reason": "endorsed", "endorser": endorser}
                rows += [_row(person.id, Kind.NUDGE, period, c, due, now, payload, post_id)
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
    done = _existing(Kind.REENGAGE, candidates.values())
    rows = []
    for person in people:
        period = candidates.get(person.id)
        if period is None or (person.id, period) in done:
            continue
        pref = prefs[person.id]
        channels = _channels(pref, Kind.REENGAGE, settings)
        if not channels:
            continue
        items = queues.items(person, limit=3)
        payload = {"post_ids": [i.post.id for i in items], "weeks": settings.reengage_weeks}
        due = next_allowed(pref, now, tz)
        rows += [_row(person.id, Kind.REENGAGE, period, c, due, now, payload) for c in channels]
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
    roles = db.session.execute(
        select(Role.user_id, Role.unit_id).join(User, User.id == Role.user_id).where(
            Role.name == RoleName.LEADER, Role.unit_id.is_not(None), User.active.is_(True)
        )
    ).tuples().all()
    done = _existing(Kind.UNIT_DROP, {f"unit:{unit_id}:{month}" for _u, unit_id in roles})
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
        channels = [c for c in _channels(pref, Kind.UNIT_DROP, settings) if c == Channel.EMAIL]
        unit = db.session.get(Unit, unit_id)
        payload = {"unit": unit.name if unit else "", "ambassadors": size,
                   "shares_before": before[0], "shares_now": recent[0],
                   "sharers_before": before[1], "sharers_now": recent[1]}
        due = next_allowed(pref, now, tz)
        rows += [_row(leader_id, Kind.UNIT_DROP, period, c, due, now, payload) for c in channels]
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
    done = _existing(Kind.YEAR, [period])
    rows = []
    for person in people:
        if (person.id, period) in done or person.created_at >= month_start:
            continue
        pref = prefs[person.id]
        channels = [c for c in _channels(pref, Kind.YEAR, settings) if c == Channel.EMAIL]
        if not channels:
            continue
        payload = {"year": last_month.year, "month": last_month.month,
                   **year_so_far(person.id, last_month.year, month_start, tz)}
        due = next_allowed(pref, now, tz)
        rows += [_row(person.id, Kind.YEAR, period, c, due, now, payload) for c in channels]
    return rows


def _write_in_batches(rows: list, write: Callable[[list], int],
                      commit: Callable[[], None] | None) -> int:
    """Without `commit`: one flush (tests, CLI). With it: the read transaction ends first, then
    each batch is a short write transaction of its own, retried if SQLite is busy, so the
    scan never holds the write lock for more than a few milliseconds (issue 10)."""
    if commit is None:
        return write(rows)
    commit()
    done = 0
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start:start + WRITE_BATCH]
        done += commit_retrying(lambda chunk=chunk: write(chunk), commit=commit)
    return done


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
    added = _write_in_batches(rows, _insert_ignore, commit)
    db.session.flush()
    return added


def notify(person: User, kind: str, payload: dict[str, Any], now: datetime, *,
           key: str | None = None, not_before: datetime | None = None,
           deadline: datetime | None = None) -> int:
    """(d)/(e) For other features: tell `person` something (kudos, an endorsement, a takeover
    shift). `payload` is JSON: {"headline": str, "body": str, "post_id": int | None} or the
    fields the kind's e-mail template reads; `"expires_at"` (ISO time) drops a message not
    sent by then. The same `key` (default: a hash of the payload) is sent at most once. It is
    due at the first moment of the person's working hours from `not_before` (default: now),
    or, with `deadline`, in their last working window before it (`allowed_before`).
    Returns rows added; flushes."""
    if kind not in Kind.__members__.values():
        raise ReminderError(f"Unknown reminder kind {kind!r}.")
    try:
        encoded = json.dumps(payload, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ReminderError("The payload must be JSON.") from exc
    period = key or "n:" + hashlib.sha256(encoded.encode()).hexdigest()[:40]
    pref = preference_for(person)
    channels = _channels(pref, kind, read_settings())
    if not person.active or not channels:
        return 0
    preferred = max(now, not_before) if not_before is not None else now
    due = (allowed_before(pref, preferred, deadline, now, org_tz()) if deadline is not None
           else next_allowed(pref, preferred, org_tz()))
    post_id = payload.get("post_id") if isinstance(payload.get("post_id"), int) else None
    rows = [_row(person.id, kind, period[:80], c, due, now, payload, post_id) for c in channels]
    return _insert_ignore(rows)


# --- dispatch: lease due rows to batches ----------------------------------------------------


def claimable(now: datetime):
    return and_(
        Reminder.status == Status.PENDING,
        Reminder.sent_at.is_(None),
        or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now),
    )


def dispatch(now: datetime, *, limit: int = 100_000,
             commit: Callable[[], None] | None = None) -> list[tuple[str, list[int]]]:
    """Lease every due row to a batch and enqueue one task per batch (sent after commit).

    With `commit` each batch's lease is its own short transaction (its task is sent as it
    commits); a lock met on SQLite is retried, the conditional UPDATE makes that safe."""
    size = current_app.config["REMINDER_BATCH_SIZE"]
    lease = timedelta(seconds=current_app.config["REMINDER_DISPATCH_LEASE"])
    ids = list(db.session.scalars(
        select(Reminder.id).where(claimable(now), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(limit)
    ))
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]

    def lease_out(group: list[list[int]]) -> int:
        for chunk in group:
            token = uuid.uuid4().hex
            db.session.execute(
                update(Reminder).where(Reminder.id.in_(chunk), claimable(now))
                .values(claim_token=token, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            enqueue(tasknames.REMINDERS_SEND_BATCH, token, chunk)
            batches.append((token, chunk))
        return len(group)

    batches: list[tuple[str, list[int]]] = []
    if commit is None:
        lease_out(chunks)
    else:
        commit()
        for chunk in chunks:
            mark = len(batches)

            def one(chunk=chunk, mark=mark) -> int:
                del batches[mark:]  # a retried batch is leased (and sent) again, once
                return lease_out([chunk])

            commit_retrying(one, commit=commit)
    db.session.flush()
    return batches


def mark_acted_on(now: datetime, *, commit: Callable[[], None] | None = None) -> int:
    """A reminder was acted on when the person shared within 48 h after it was sent."""
    rows = db.session.execute(
        select(Reminder.id, Reminder.user_id, Reminder.sent_at).where(
            Reminder.status == Status.SENT, Reminder.acted_on_at.is_(None),
            Reminder.sent_at >= now - ACTED_ON_WINDOW - timedelta(days=1),
        )
    ).tuples().all()
    if not rows:
        return 0
    earliest = min(sent_at for _id, _user, sent_at in rows)
    shares: dict[int, list[datetime]] = {}
    for user_id, created_at in db.session.execute(
        select(Share.user_id, Share.created_at).where(
            Share.user_id.in_({user for _id, user, _sent in rows}),
            Share.created_at >= earliest,
        )
    ).tuples():
        shares.setdefault(user_id, []).append(created_at)
    acted = []
    for reminder_id, user_id, sent_at in rows:
        hits = [t for t in shares.get(user_id, ()) if sent_at <= t <= sent_at + ACTED_ON_WINDOW]
        if hits:
            acted.append((reminder_id, min(hits)))

    def write(chunk: list[tuple[int, datetime]]) -> int:
        for reminder_id, first in chunk:
            db.session.execute(
                update(Reminder).where(Reminder.id == reminder_id).values(acted_on_at=first)
            )
        return len(chunk)

    return _write_in_batches(acted, write, commit)


# --- the curators' report --------------------------------------------------------------------


def report(now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Per month and kind: sent, opened, acted on (and failed, skipped) for the admin view."""
    rows = db.session.execute(
        select(Reminder.kind, Reminder.status, Reminder.sent_at, Reminder.created_at,
               Reminder.opened_at, Reminder.acted_on_at)
        .where(Reminder.created_at >= now - timedelta(days=400))
    ).all()
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, status, sent_at, created_at, opened_at, acted_on_at in rows:
        month = (sent_at or created_at).astimezone(tz).strftime("%Y-%m")
        line = table.setdefault((month, kind), {"month": month, "kind": kind, "sent": 0,
                                                "opened": 0, "acted_on": 0, "failed": 0,
                                                "skipped": 0, "pending": 0})
        line[status] = line.get(status, 0) + 1
        line["opened"] += opened_at is not None
        line["acted_on"] += acted_on_at is not None
    return sorted(table.values(), key=lambda r: (r["month"], r["kind"]), reverse=True)


def problems(limit: int = 100) -> list[Reminder]:
    """Failed and skipped reminders with the reason, and pending ones that are retrying."""
    return list(db.session.scalars(
        select(Reminder).where(or_(
            Reminder.status.in_([Status.FAILED, Status.SKIPPED]),
            and_(Reminder.status == Status.PENDING, Reminder.attempts > 0),
        )).order_by(Reminder.id.desc()).limit(limit)
    ))
