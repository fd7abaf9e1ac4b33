from datetime import timedelta

import pytest

from advocacy.db import utcnow
from advocacy.queue import service as queue
from tests import factories as f


@pytest.fixture
def now():
    return utcnow()


def titles(q):
    return [item.post.title for item in q.items]


def test_live_posts_only_within_their_window(db_session, now):
    person = f.user()
    f.post("live")
    f.post("draft", status="draft")
    f.post("archived", status="archived")
    f.post("future", starts_at=now + timedelta(days=1))
    f.post("ended", ends_at=now - timedelta(minutes=1), starts_at=now - timedelta(days=3))
    assert titles(queue.rank(person, now)) == ["live"]


def test_unit_audience_reaches_sub_units_only(db_session, now):
    health = f.unit("helse og omsorg")
    home_care = f.unit("hjemmetjenesten", parent=health)
    school = f.unit("oppvekst")
    nurse = f.user(unit=home_care)
    teacher = f.user(unit=school)
    f.post("for health", units=(health,))
    f.post("for everyone")
    assert sorted(titles(queue.rank(nurse, now))) == ["for everyone", "for health"]
    assert titles(queue.rank(teacher, now)) == ["for everyone"]


def test_followed_topics_filter_and_rank(db_session, now):
    care, tech = f.topic("omsorg"), f.topic("teknikk")
    person = f.user(topics=(care,))
    f.post("general", now=now - timedelta(hours=1))
    f.post("care", topics=(care,), now=now - timedelta(hours=5))
    f.post("tech", topics=(tech,))
    # topic match outranks a newer general post; other topics are not shown
    assert titles(queue.rank(person, now)) == ["care", "general"]
    follows_nothing = f.user()
    assert sorted(titles(queue.rank(follows_nothing, now))) == ["care", "general", "tech"]


def test_newest_first_and_short_page(db_session, now):
    person = f.user()
    for i in range(7):
        f.post(f"p{i}", now=now - timedelta(hours=10 - i))
    q = queue.rank(person, now, limit=5)
    assert titles(q) == ["p6", "p5", "p4", "p3", "p2"]
    assert q.waiting == 2


def test_shared_and_skipped_leave_snoozed_return(db_session, now):
    person = f.user()
    shared, skipped, snoozed, kept = (f.post(t) for t in ("shared", "skipped", "snoozed", "kept"))
    f.share(person, shared, now=now)
    queue.skip(person, skipped, now)
    queue.snooze(person, snoozed, now + timedelta(days=3), now)
    assert titles(queue.rank(person, now)) == ["kept"]
    later = now + timedelta(days=3, seconds=1)
    assert sorted(titles(queue.rank(person, later))) == ["kept", "snoozed"]
    # another person's choices do not touch this queue
    other = f.user()
    assert len(queue.rank(other, now).items) == 4


def test_snooze_rejects_past_and_far_future(db_session, now):
    person, item = f.user(), f.post()
    with pytest.raises(queue.QueueError):
        queue.snooze(person, item, now - timedelta(minutes=1), now)
    with pytest.raises(queue.QueueError):
        queue.snooze(person, item, now + timedelta(days=61), now)
    assert titles(queue.rank(person, now)) == [item.title]


def test_post_without_any_text_is_not_offered(db_session, now):
    person = f.user()
    item = f.post("empty")
    item.variants.clear()
    db_session.flush()
    assert queue.rank(person, now).items == []
