"""Privacy notices: the in-app banner of those not yet read, one e-mail per person and notice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.privacy.models import NoticeDelivery, PrivacyNotice


def unseen_notices(user: User) -> list[PrivacyNotice]:
    """Notices the person has not yet marked as read, newest first (the in-app banner)."""
    seen = select(NoticeDelivery.notice_id).where(
        NoticeDelivery.user_id == user.id, NoticeDelivery.seen_at.is_not(None)
    )
    return list(db.session.scalars(
        select(PrivacyNotice)
        .where(PrivacyNotice.id.not_in(seen), PrivacyNotice.created_at >= user.created_at)
        .order_by(PrivacyNotice.created_at.desc())
    ))


def _delivery(notice_id: int, user_id: int) -> NoticeDelivery:
    row = db.session.scalar(select(NoticeDelivery).where(
        NoticeDelivery.notice_id == notice_id, NoticeDelivery.user_id == user_id))
    if row is None:
        row = NoticeDelivery(notice_id=notice_id, user_id=user_id)
        db.session.add(row)
    return row


def mark_notice_seen(user: User, notice_id: int, now: datetime) -> bool:
    if db.session.get(PrivacyNotice, notice_id) is None:
        return False
    row = _delivery(notice_id, user.id)
    row.seen_at = row.seen_at or now
    db.session.flush()
    return True


# Sends one notice to one person (advocacy/privacy/mailer.py); False: nobody to reach.
Sender = Callable[[User, PrivacyNotice], bool]


def send_notice_emails(
    send: Sender, now: datetime, after_each: Callable[[], None] | None = None
) -> int:
    """E-mail every active person each notice once. The caller commits after each message
    (``after_each``), so a crash midway resends only to those not yet marked."""
    sent = 0
    for notice in db.session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.id)).all():
        mailed = select(NoticeDelivery.user_id).where(
            NoticeDelivery.notice_id == notice.id, NoticeDelivery.emailed_at.is_not(None))
        people = db.session.scalars(
            select(User).where(User.active.is_(True), User.id.not_in(mailed)).order_by(User.id)
        ).all()
        for person in people:
            if not send(person, notice):
                continue
            _delivery(notice.id, person.id).emailed_at = now
            db.session.flush()
            sent += 1
            if after_each is not None:
                after_each()
    return sent
