"""A person's reminder choices: how often, which channels, working hours, unsubscribed kinds."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.reminders.errors import ReminderError
from advocacy.reminders.models import Kind, Reminder, ReminderPreference, Status

FREQUENCIES = ("daily", "weekly", "off")


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
