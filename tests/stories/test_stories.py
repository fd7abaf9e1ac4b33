"""Stories, onboarding, takeovers and their reminders, the calendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from advocacy.db import utcnow
from advocacy.onboarding import service as onboarding
from advocacy.programme.service import get_programme, update_programme
from advocacy.schedule_calendar import service as cal
from advocacy.stories import service as stories
from advocacy.stories.service import StoryError
from advocacy.takeovers import service as takeovers
from advocacy.takeovers.service import TakeoverError
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")


def test_story_needs_consent_for_a_photo_and_text(db_session):
    author = f.user()
    with pytest.raises(StoryError) as caught:
        stories.suggest(author, title="", text="", photo_name="x.png", consent=False,
                        now=utcnow())
    assert set(caught.value.errors) == {"title", "text", "consent", "photo_alt"}


def test_story_becomes_a_post_with_credit_or_is_declined_with_a_reason(db_session):
    author, curator = f.user(), f.user("curator")
    story = f.story(author, photo=True)
    post = stories.accept(story, curator, link="https://example.org/story", now=utcnow())
    assert (post.status, post.kind, post.credit_user_id) == ("draft", "story", author.id)
    assert post.image_name == story.photo_name and story.post_id == post.id
    with pytest.raises(StoryError):
        stories.decline(story, curator, reason="late", now=utcnow())
    other = f.story(author)
    with pytest.raises(StoryError):
        stories.decline(other, curator, reason="  ", now=utcnow())
    stories.decline(other, curator, reason="We wrote about this last week", now=utcnow())
    mine = {s.id: s for s in stories.mine(author)}
    assert mine[other.id].decline_reason == "We wrote about this last week"


def test_guidelines_acceptance_is_per_version(db_session):
    person, curator = f.user(), f.user("curator")
    version = get_programme().guidelines_version
    assert onboarding.needs_guidelines(person, version)
    onboarding.accept_guidelines(person, version, now=utcnow())
    onboarding.accept_guidelines(person, version, now=utcnow())  # idempotent
    assert not onboarding.needs_guidelines(person, version)
    programme = update_programme(name="", purpose="p", guidelines="New rules",
                                 by_user_id=curator.id)
    assert onboarding.needs_guidelines(person, programme.guidelines_version)
    assert onboarding.accepted_version(person) == version


def test_onboarding_lands_on_a_queue_that_is_not_empty(db_session):
    quiet, busy = f.topic("Quiet"), f.topic("Busy")
    f.post(topics=(busy,))
    person = f.user()
    widened = onboarding.save_interests(person, [quiet.id], ["linkedin", "x"], now=utcnow())
    assert widened and person.topics == []
    from advocacy.queue.service import rank

    assert rank(person, utcnow()).items
    assert onboarding.profile(person).networks == ["linkedin", "x"]
    assert not onboarding.save_interests(person, [busy.id], [], now=utcnow())
    assert [t.name for t in person.topics] == ["Busy"]


def test_takeover_request_checks_and_rota(db_session):
    person, curator = f.user(), f.user("curator")
    now = utcnow()
    with pytest.raises(TakeoverError) as caught:
        takeovers.request_takeover(person, account="", day=now.date(), plan="", today=now.date(),
                                   now=now)
    assert set(caught.value.errors) == {"account", "day"}
    first = f.takeover(person, days_ahead=5)
    second = f.takeover(f.user(), days_ahead=5)
    takeovers.approve(first, curator, now=now, tz=OSLO)
    with pytest.raises(TakeoverError):
        takeovers.approve(second, curator, now=now, tz=OSLO)  # the day is taken
    with pytest.raises(TakeoverError):
        f.takeover(f.user(), days_ahead=5)
    assert [t.id for t in takeovers.coming(now.date())] == [first.id, second.id]


def test_calendar_month_shows_posts_events_deadlines_and_takeovers(db_session):
    now = utcnow()
    year, month = now.year, now.month
    start = datetime(year, month, 15, 10, tzinfo=ZoneInfo("UTC"))
    f.post("Job", kind="job", deadline_at=start + timedelta(days=1), now=start,
           starts_at=start)
    f.post("Career day", kind="event", event_at=start + timedelta(days=2), now=start)
    entries = cal.entries(year, month, OSLO)
    kinds = {(d.day, e.kind) for d, items in entries.items() for e in items if d.month == month}
    assert (15, "post") in kinds and (16, "deadline") in kinds and (17, "event") in kinds
    takeover = f.takeover(f.user(), days_ahead=1)
    later = cal.entries(takeover.day.year, takeover.day.month, OSLO)
    assert [e.kind for e in later[takeover.day]] == ["takeover"]
    assert cal.shift(2026, 12, 1) == (2027, 1) and cal.shift(2026, 1, -1) == (2025, 12)
    assert cal.parse_month("2026-13", date(2026, 5, 1)) == (2026, 5)
    assert all(len(week) == 7 for week in cal.weeks(2026, 2))
