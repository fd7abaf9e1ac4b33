"""Times, numbers and quotation marks in the reader's terms (issue 14, item 4): the
organisation's time zone, no seconds, the locale's decimal sign, grouping and quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string

from advocacy.endorsements import service as endorsements
from advocacy.extensions import db
from tests import factories as f

# A deadline entered as 12:00 on the form (Europe/Oslo, summer time: 10:00 UTC)
DEADLINE = {"nb": "15. juni 2026, 12:00", "nn": "15. juni 2026, 12:00",
            "da": "15. jun. 2026 12.00", "en": "Jun 15, 2026, 12:00\u202fPM"}


@pytest.mark.parametrize("lang", ["nb", "nn", "da", "en"])
def test_a_deadline_entered_as_noon_shows_noon_without_seconds(client, login, lang):
    deadline = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))  # the form's wall clock
    assert deadline.astimezone(UTC) == datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    post = f.post("Sykepleier", deadline_at=deadline, now=datetime(2026, 5, 1, tzinfo=UTC))
    curator = f.user("curator", locale=lang)
    db.session.commit()
    login(curator)
    page = client.get(f"/curate/posts/{post.id}").get_data(as_text=True)
    assert DEADLINE[lang] in page
    assert "12:00:00" not in page and "10:00" not in page and "11:00" not in page


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "52,5 · 12\xa0345 · 52,5\xa0% · «Bra jobba»"),
    ("nn", "52,5 · 12\xa0345 · 52,5\xa0% · «Bra jobba»"),
    ("da", "52,5 · 12.345 · 52,5\xa0% · “Bra jobba”"),
    ("en", "52.5 · 12,345 · 52.5% · “Bra jobba”"),
])
def test_numbers_and_quotes_follow_the_browser_language(app, lang, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        text = render_template_string(
            "{{ 52.5|number }} · {{ 12345|number }} · {{ 52.5|percent }} · "
            "{{ 'Bra jobba'|quote }}")
    assert text == expected


def test_kudos_times_are_local_and_quoted_in_the_language(client, login, app):
    unit = f.unit("Helse")
    leader = f.user("leader", unit=unit, led_units=(unit,), locale="nb")
    nurse = f.user(unit=unit, locale="nb")
    endorsements.give_kudos(leader, nurse, "Bra jobba", datetime(2026, 1, 10, 23, 30, tzinfo=UTC))
    db.session.commit()
    login(leader)
    page = client.get("/kudos").get_data(as_text=True)
    assert "«Bra jobba»" in page
    assert "11.01.2026, 00:30" in page  # 23:30 UTC is past midnight in Oslo


def test_the_takeover_reminder_writes_the_day_in_the_persons_language(app, db_session):
    from flask_babel import force_locale

    from advocacy.reminders.delivery import chat_text
    from advocacy.reminders.models import Kind

    person = f.user(locale="nb")
    takeover = f.takeover(person)
    with force_locale("nb"):
        body = chat_text(Kind.TAKEOVER, person, {"day": takeover.day.isoformat(),
                                                 "account": takeover.account}, [])
    assert takeover.day.isoformat() not in body
    assert f"{takeover.day.day}. " in body and str(takeover.day.year) in body
