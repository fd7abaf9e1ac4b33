"""Task functions called directly (no broker): what they send, skip and retry."""

from __future__ import annotations

import logging
import smtplib

import pytest

from advocacy import mail, tasknames
from tests import factories as f


@pytest.fixture
def outbox(monkeypatch):
    sent = []
    monkeypatch.setattr(mail, "deliver", sent.append)
    return sent


@pytest.fixture
def tasks():
    from worker import tasks

    return tasks


def test_welcome_task_sends_to_the_person_in_their_language(db_session, outbox, tasks):
    person = f.user(email="kari@example.org", name="Kari", locale="da")
    assert tasks.send_welcome_email(person.id) is True
    (message,) = outbox
    assert message["To"].addresses[0].addr_spec == "kari@example.org"
    assert message["Content-Language"] == "da"


def test_welcome_task_skips_inactive_people_and_says_so(db_session, outbox, tasks, caplog):
    person = f.user()
    person.active = False
    with caplog.at_level(logging.INFO, logger="advocacy.mail"):
        assert tasks.send_welcome_email(person.id) is False
    assert outbox == []
    assert f"welcome e-mail not sent to user {person.id}" in caplog.text


def test_welcome_task_for_a_deleted_person_does_nothing(db_session, outbox, tasks):
    assert tasks.send_welcome_email(987654) is False
    assert outbox == []


def test_temporary_smtp_failure_is_retried_then_gives_up(db_session, monkeypatch, tasks):
    person = f.user()
    db_session.commit()  # the task rolls back its own work before retrying
    calls = []

    def refuse(message):
        calls.append(message)
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(mail, "deliver", refuse)
    result = tasks.send_welcome_email.apply(args=[person.id])
    assert result.failed() and isinstance(result.result, ConnectionRefusedError)
    assert len(calls) == tasks.MAX_RETRIES + 1


def test_permanent_smtp_failure_is_not_retried(db_session, monkeypatch, tasks):
    person = f.user()
    db_session.commit()
    calls = []

    def reject(message):
        calls.append(message)
        raise smtplib.SMTPRecipientsRefused({person.email: (550, b"no such user")})

    monkeypatch.setattr(mail, "deliver", reject)
    result = tasks.send_welcome_email.apply(args=[person.id])
    assert result.failed() and len(calls) == 1


def test_celery_app_is_configured_for_safety():
    from worker import app, celery

    assert app is celery
    conf = celery.conf
    assert conf.task_serializer == "json" and conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.task_acks_late is True and conf.worker_prefetch_multiplier == 1
    assert conf.task_always_eager is False
    assert tasknames.SEND_WELCOME in celery.tasks
    assert "advocacy.send_welcome_email" in celery.tasks  # the old name, passed on


def test_rollup_task_is_scheduled_and_rolls_up(db_session, tasks):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from advocacy.activity.models import EventKind, PersonMonth
    from advocacy.activity.recording import record_event
    from worker.schedule import SCHEDULE

    assert SCHEDULE["activity-rollup-recent"]["task"] == tasks.rollup_recent.name
    assert tasks.rollup_recent.name == "advocacy.activity.rollup_recent"
    person = f.user()
    record_event(EventKind.SHARE, user=person, now=datetime.now(UTC), network="x")
    months = tasks.rollup_recent()
    assert len(months) >= 1
    assert db_session.scalar(select(PersonMonth.shares)) == 1
