"""Account takeovers: request, approve, the day-before reminder, past and coming days.

The day-before reminder is a reminder like every other (advocacy.reminders): planned on
approval with its dedupe key, sent in the person's language, within their working hours and
unless they unsubscribed from takeover reminders, and dropped if the day passes unsent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy import decisions
from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.reminders import notices
from advocacy.reminders.models import Kind
from advocacy.takeovers.models import Takeover, TakeoverStatus

REMINDER_HOUR = time(9, 0)
MAX_AHEAD = timedelta(days=366)


class TakeoverError(ValueError):
    """Bad takeover input: field -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _taken(account: str, day: date, exclude_id: int | None = None) -> bool:
    query = select(Takeover.id).where(
        Takeover.day == day,
        Takeover.status == TakeoverStatus.APPROVED,
        Takeover.account == account,
    )
    if exclude_id is not None:
        query = query.where(Takeover.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def request_takeover(user: User, *, account: str, day: date | None, plan: str,
                     today: date, now: datetime) -> Takeover:
    errors: dict[str, str] = {}
    account = " ".join(account.split())
    if not account:
        errors["account"] = _l("Name the account, e.g. “Instagram @ourtown”.")
    elif len(account) > 100:
        errors["account"] = _l("Use at most %(n)d characters.", n=100)
    if day is None:
        errors["day"] = _l("Choose a day.")
    elif day <= today:
        errors["day"] = _l("Choose a day from tomorrow on.")
    elif day > today + MAX_AHEAD:
        errors["day"] = _l("Choose a day within a year.")
    elif account and _taken(account, day):
        errors["day"] = _l("Someone already has this account on that day.")
    if len(plan) > 2000:
        errors["plan"] = _l("Use at most %(n)d characters.", n=2000)
    if errors:
        raise TakeoverError(errors)
    takeover = Takeover(user_id=user.id, account=account, day=day, plan=plan.strip(),
                        created_at=now)
    db.session.add(takeover)
    db.session.flush()
    return takeover


def reminder_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The reminder goes from 09:00 local time on the day before, before the day begins."""
    utc = ZoneInfo("UTC")
    return (datetime.combine(day - timedelta(days=1), REMINDER_HOUR, tzinfo=tz).astimezone(utc),
            datetime.combine(day, time(0), tzinfo=tz).astimezone(utc))


def approve(takeover: Takeover, curator: User, *, now: datetime, tz: ZoneInfo) -> Takeover:
    if takeover.status != TakeoverStatus.REQUESTED:
        raise TakeoverError({"status": _l("This request has already been answered.")})
    if _taken(takeover.account, takeover.day, exclude_id=takeover.id):
        raise TakeoverError({"status": _l("Someone already has this account on that day.")})
    decisions.answer(takeover, curator, TakeoverStatus.APPROVED, now)
    if takeover.user is not None:
        earliest, day_starts = reminder_window(takeover.day, tz)
        day_ends = day_starts + timedelta(days=1)
        notices.notify(
            takeover.user, Kind.TAKEOVER,
            {"takeover_id": takeover.id, "account": takeover.account,
             "day": takeover.day.isoformat(), "expires_at": day_ends.isoformat()},
            now, key=f"takeover:{takeover.id}:day-before", not_before=earliest,
            deadline=day_starts)
    return takeover


def decline(takeover: Takeover, curator: User, *, note: str, now: datetime) -> Takeover:
    if takeover.status != TakeoverStatus.REQUESTED:
        raise TakeoverError({"status": _l("This request has already been answered.")})
    problem = decisions.note_problem(note)
    if problem:
        raise TakeoverError({"note": problem})
    takeover.decision_note = note.strip()
    decisions.answer(takeover, curator, TakeoverStatus.DECLINED, now)
    return takeover


def coming(today: date, user: User | None = None) -> list[Takeover]:
    query = select(Takeover).where(Takeover.day >= today).order_by(Takeover.day, Takeover.id)
    if user is not None:
        query = query.where(
            (Takeover.status == TakeoverStatus.APPROVED) | (Takeover.user_id == user.id)
        )
    else:
        query = query.where(Takeover.status != TakeoverStatus.DECLINED)
    return list(db.session.scalars(query))


def past(today: date, limit: int = 50) -> list[Takeover]:
    return list(db.session.scalars(
        select(Takeover).where(Takeover.day < today, Takeover.status == TakeoverStatus.APPROVED)
        .order_by(Takeover.day.desc(), Takeover.id.desc()).limit(limit)
    ))


def pending() -> list[Takeover]:
    return list(db.session.scalars(
        select(Takeover).where(Takeover.status == TakeoverStatus.REQUESTED)
        .order_by(Takeover.day, Takeover.id)
    ))


def in_range(start: date, end: date) -> list[Takeover]:
    return list(db.session.scalars(
        select(Takeover).where(Takeover.day >= start, Takeover.day < end,
                               Takeover.status != TakeoverStatus.DECLINED)
    ))
