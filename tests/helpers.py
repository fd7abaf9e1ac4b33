"""Small helpers the tests of several features share (rows are made in tests/factories.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.reminders import delivery, dispatch
from advocacy.reminders.models import ReminderPreference


def count(session, model) -> int:
    """How many rows `model` has, as the test's session sees them."""
    return session.scalar(select(func.count()).select_from(model))


def always(person):
    """Preferences that allow reminders at any hour, so tests do not depend on the clock."""
    pref = ReminderPreference(user_id=person.id, work_start=0, work_end=24, work_days="1234567")
    db.session.add(pref)
    db.session.flush()
    return pref


def send_all(now=None):
    """What the scan and the batch task do, without the broker."""
    results = []
    moment = now or utcnow()
    for token, ids in dispatch.dispatch(moment):
        results.append(delivery.send_batch(token, ids, commit=db.session.commit,
                                           clock=lambda: moment))
    return results


def links(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"http://localhost/\S+", text)


def path(url: str) -> str:
    return urlsplit(url).path


def first_login_link(smtp, person) -> str:
    (message,) = smtp.to(person.email)
    return next(u for u in links(message) if "/go/" in u)
