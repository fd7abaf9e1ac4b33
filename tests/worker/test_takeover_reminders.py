"""The takeover reminder task: due rows are sent once, with the guidelines."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from advocacy import mail
from advocacy.db import utcnow
from advocacy.programme.service import get_programme
from advocacy.takeovers import service as takeovers
from advocacy.takeovers.models import TakeoverReminder
from tests import factories as f


@pytest.fixture
def outbox(monkeypatch):
    sent = []
    monkeypatch.setattr(mail, "deliver", sent.append)
    return sent


def test_reminder_task_sends_due_reminders_once(db_session, outbox):
    from worker import tasks

    get_programme().guidelines = "Ingen pasientopplysninger."
    person = f.user(email="tor@example.org", locale="nb")
    takeover = f.takeover(person, account="Instagram @kommunen", days_ahead=1)
    takeovers.approve(takeover, f.user("curator"), now=utcnow(), tz=ZoneInfo("Europe/Oslo"))
    reminder = db_session.query(TakeoverReminder).one()
    reminder.due_at = utcnow() - timedelta(minutes=1)
    db_session.flush()
    assert tasks.send_takeover_reminders() == 1
    assert tasks.send_takeover_reminders() == 0
    (message,) = outbox
    assert message["To"] == "tor@example.org"
    assert "Instagram @kommunen" in message["Subject"]
    assert "Ingen pasientopplysninger." in message.get_content()
    assert reminder.sent_at is not None
