"""The curators' calendar page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests import factories as f


def test_calendar_shows_scheduled_posts_and_bad_months_fall_back(client, login, db_session):
    from datetime import UTC, datetime

    f.post("Jobb på sykehjemmet", kind="job", deadline_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
           now=datetime(2026, 11, 1, tzinfo=UTC))
    login(f.user("curator"))
    page = client.get("/curate/calendar?month=2026-11").get_data(as_text=True)
    assert "Jobb på sykehjemmet" in page and "Application deadline" in page
    assert client.get("/curate/calendar?month=garbage").status_code == 200


def test_the_calendar_says_went_live_for_posts_already_live(client, login, db_session):
    now = datetime.now(UTC)
    f.post("Allerede ute", kind="news", now=now - timedelta(hours=2))
    f.post("Kommer senere", kind="news", status="live", starts_at=now + timedelta(hours=1),
           now=now)
    login(f.user("curator", locale="nb"))
    month = now.astimezone().strftime("%Y-%m")
    later = (now + timedelta(hours=1)).strftime("%Y-%m")
    page = client.get(f"/curate/calendar?month={month}").get_data(as_text=True)
    if later != month:
        page += client.get(f"/curate/calendar?month={later}").get_data(as_text=True)
    gone = re.search(r"(\w+):\s*<a [^>]*>Allerede ute</a>", page).group(1)
    coming = re.search(r"(\w+):\s*<a [^>]*>Kommer senere</a>", page).group(1)
    assert gone == "Publisert" and coming == "Publiseres"
