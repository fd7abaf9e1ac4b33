"""Account takeovers (M17): request, approve, the day-before reminder, past and coming days.

Reminders follow the house pattern: a row with due_at/sent_at and a unique dedupe key,
found by a periodic scan (not ETA tasks), locked while sent so two workers never both send.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.takeovers.models import Takeover, TakeoverReminder, TakeoverStatus

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


def reminder_due_at(day: date, tz: ZoneInfo) -> datetime:
    """09:00 local time on the day before."""
    return datetime.combine(day - timedelta(days=1), REMINDER_HOUR, tzinfo=tz).astimezone(
        ZoneInfo("UTC")
    )


def approve(takeover: Takeover, curator: User, *, now: datetime, tz: ZoneInfo) -> Takeover:
    if takeover.status != TakeoverStatus.REQUESTED:
        raise TakeoverError({"status": _l("This request has already been answered.")})
    if _taken(takeover.account, takeover.day, exclude_id=takeover.id):
        raise TakeoverError({"status": _l("Someone already has this account on that day.")})
    takeover.status = TakeoverStatus.APPROVED
    takeover.decided_by_id = curator.id
    takeover.decided_at = now
    key = f"takeover:{takeover.id}:day-before"
    if db.session.scalar(select(TakeoverReminder.id).where(TakeoverReminder.dedupe_key == key)):
        return takeover
    db.session.add(TakeoverReminder(takeover_id=takeover.id, dedupe_key=key,
                                    due_at=reminder_due_at(takeover.day, tz)))
    db.session.flush()
    return takeover


def decline(takeover: Takeover, curator: User, *, note: str, now: datetime) -> Takeover:
    if takeover.status != TakeoverStatus.REQUESTED:
        raise TakeoverError({"status": _l("This request has already been answered.")})
    if len(note) > 2000:
        raise TakeoverError({"note": _l("Use at most %(n)d characters.", n=2000)})
    takeover.status = TakeoverStatus.DECLINED
    takeover.decision_note = note.strip()
    takeover.decided_by_id = curator.id
    takeover.decided_at = now
    db.session.flush()
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


# --- the reminder scan

Sender = Callable[[str, str, str], None]  # (to, subject, body)


def reminder_message(takeover: Takeover, guidelines: str, base_url: str) -> tuple[str, str]:
    from advocacy.formats import dateformat

    person = takeover.user
    with force_locale((person.locale if person else None) or "nb"):
        subject = _("Tomorrow you run %(account)s", account=takeover.account)
        body = "\n\n".join([
            _("Hi %(name)s,", name=person.name if person else ""),
            _("tomorrow, %(day)s, you run %(account)s. Thank you for showing what your work "
              "is like!", day=dateformat(takeover.day, "full"), account=takeover.account),
            _("Please read the guidelines once more before you start:"),
            guidelines or _("(No guidelines written yet.)"),
            f"{base_url.rstrip('/')}/guidelines",
        ])
    return subject, body


def due_count(now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(TakeoverReminder)
        .where(TakeoverReminder.sent_at.is_(None), TakeoverReminder.due_at <= now)
    ) or 0


def send_due_reminders(now: datetime, send: Sender, *, guidelines: str, base_url: str,
                       batch: int = 100) -> int:
    """Send every due, unsent reminder once. Rows are locked (PostgreSQL: SKIP LOCKED) so
    parallel scans never send twice; the caller commits after each batch."""
    due = list(db.session.scalars(
        select(TakeoverReminder)
        .where(TakeoverReminder.sent_at.is_(None), TakeoverReminder.due_at <= now)
        .order_by(TakeoverReminder.due_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ))
    sent = 0
    for reminder in due:
        takeover = reminder.takeover
        still_on = (takeover.status == TakeoverStatus.APPROVED and takeover.user is not None
                    and takeover.user.active and takeover.day >= now.date())
        if still_on:
            subject, body = reminder_message(takeover, guidelines, base_url)
            send(takeover.user.email, subject, body)
            sent += 1
        reminder.sent_at = now
    db.session.flush()
    return sent
