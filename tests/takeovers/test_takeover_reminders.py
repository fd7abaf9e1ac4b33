"""The takeover reminder is a reminder like every other (issue 12: one reminder system):
planned on approval through the reminders planner with its dedupe key, sent by the reminder
scan to a real SMTP sink in the person's language, inside their working hours, never twice,
not to someone who unsubscribed from it, and not after the day has passed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.programme.service import get_programme
from advocacy.reminders.models import Kind, Reminder, ReminderPreference, Status
from advocacy.takeovers import service as takeovers
from tests import factories as f
from tests.helpers import send_all

OSLO = ZoneInfo("Europe/Oslo")


def approved(person, day: date, now: datetime, account: str = "Instagram @kommunen"):
    takeover = takeovers.request_takeover(person, account=account, day=day, plan="",
                                          today=now.date(), now=now)
    takeovers.approve(takeover, f.user("curator"), now=now, tz=OSLO)
    return takeover


def takeover_rows(person) -> list[Reminder]:
    return list(db.session.scalars(
        select(Reminder).where(Reminder.user_id == person.id, Reminder.kind == Kind.TAKEOVER)))


def test_due_the_day_before_inside_working_hours_and_sent_once_in_the_persons_language(
        db_session, smtp):  # noqa: F811
    get_programme().guidelines = "Ingen pasientopplysninger."
    person = f.user(email="tor@example.org", locale="da")
    db_session.add(ReminderPreference(user_id=person.id, work_start=10, work_end=14,
                                      work_days="12345"))
    db_session.flush()
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday
    approved(person, date(2026, 3, 5), now)  # Thursday
    (row,) = takeover_rows(person)
    # 09:00 on the day before is outside 10-14: 10:00 Oslo (09:00 UTC) on Wednesday
    assert row.due_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert row.period == f"takeover:{row.payload['takeover_id']}:day-before"
    assert send_all(row.due_at - timedelta(minutes=1)) == []  # not yet due
    send_all(row.due_at)
    send_all(row.due_at + timedelta(hours=1))
    (message,) = smtp.to("tor@example.org")
    assert message["Content-Language"] == "da"
    assert "Instagram @kommunen" in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()
    assert "torsdag" in text  # the day, in Danish
    assert "/welcome/guidelines" in text
    db_session.refresh(row)
    assert row.status == Status.SENT


def test_a_monday_shift_is_announced_on_the_last_working_day_before(db_session):
    person = f.user()
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    approved(person, date(2026, 3, 9), now)  # Monday; Sunday is not a working day (default)
    (row,) = takeover_rows(person)
    assert row.due_at.astimezone(OSLO) == datetime(2026, 3, 6, 8, 0, tzinfo=OSLO)  # Fri 08:00


def test_approved_on_the_eve_with_no_working_hour_left_it_comes_the_morning_of_the_day(
        db_session):
    person = f.user()
    now = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)  # Wednesday 20:00 in Oslo
    approved(person, date(2026, 3, 5), now)
    (row,) = takeover_rows(person)
    assert row.due_at.astimezone(OSLO) == datetime(2026, 3, 5, 8, 0, tzinfo=OSLO)


def test_unsubscribed_people_get_none_and_a_day_that_passed_unsent_is_dropped(
        db_session, smtp):  # noqa: F811
    quiet, late = f.user(email="quiet@example.org"), f.user(email="late@example.org")
    for person in (quiet, late):
        db_session.add(ReminderPreference(user_id=person.id, work_start=0, work_end=24,
                                          work_days="1234567",
                                          unsubscribed=Kind.TAKEOVER if person is quiet else ""))
    db_session.flush()
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    approved(quiet, date(2026, 3, 5), now, account="Facebook @kommunen")
    approved(late, date(2026, 3, 5), now)
    assert takeover_rows(quiet) == []
    (row,) = takeover_rows(late)
    send_all(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # the worker was down until after the day
    db_session.refresh(row)
    assert row.status == Status.SKIPPED and "expired" in row.last_error
    assert smtp.to("late@example.org") == []


@pytest.mark.parametrize("locale,word", [("nb", "torsdag"), ("en", "Thursday")])
def test_the_chat_line_names_the_day_in_the_persons_language(db_session, locale, word):
    from advocacy.reminders.delivery import chat_text

    person = f.user(name="Tor Hansen", locale=locale)
    from flask_babel import force_locale

    with force_locale(locale):
        line = chat_text(Kind.TAKEOVER, person, {"day": "2026-03-05", "account": "X @by"}, [])
    assert line.startswith("Tor:") and word in line and "X @by" in line
