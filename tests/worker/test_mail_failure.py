"""A welcome e-mail the mail server refuses for good shows on the curators' reminders page."""

from __future__ import annotations

import smtplib

import pytest

from advocacy.audit.models import AuditEntry
from tests import factories as f
from tests.sinks import ReminderSmtpSink
from worker.tasks import send_welcome_email


@pytest.fixture
def refusing_sink(app, monkeypatch):
    sink = ReminderSmtpSink().start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    yield sink
    sink.stop()


def test_a_refused_welcome_email_is_listed_for_curators(app, client, login, db_session,
                                                         refusing_sink):
    curator = f.user("curator")
    newcomer = f.user("ambassador", name="Nora Nykommer", email="nora@example.org")
    refusing_sink.refuse.add("nora@example.org")

    login(curator)
    before = client.get("/curate/reminders")
    assert before.status_code == 200
    assert "No failed e-mail." in before.get_data(as_text=True)

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_welcome_email(newcomer.id)

    entry = db_session.query(AuditEntry).filter_by(action="mail.failed").one()
    assert entry.target_id == newcomer.id
    assert entry.details == {"kind": "welcome", "smtp_code": 550,
                             "error": "SMTPRecipientsRefused"}
    assert "nora@example.org" not in str(entry.details)  # no address in the log

    page = client.get("/curate/reminders").get_data(as_text=True)
    assert "E-mail that could not be delivered" in page
    # the table is in the page's main content, not in its <title>
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "could not be delivered" not in title and "Reminders" in title
    assert page.index("<main") < page.index("E-mail that could not be delivered")
    assert "Nora Nykommer" in page
    assert "The mail server answered 550." in page
    assert "No failed e-mail." not in page


def test_a_delivered_welcome_email_leaves_no_failure(app, db_session, refusing_sink):
    newcomer = f.user("ambassador", email="ok@example.org")
    assert send_welcome_email(newcomer.id) is True
    assert refusing_sink.messages
    assert db_session.query(AuditEntry).filter_by(action="mail.failed").count() == 0
