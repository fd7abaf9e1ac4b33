"""Issue 10 item 7: ranking is read-only; only the ambassador's own queue page records what
was shown, so reminder planning and onboarding never use up a person's weekly cap (M16)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.onboarding import service as onboarding
from advocacy.programme.service import get_programme
from advocacy.queue import service as queue
from advocacy.queue.models import QueueImpression
from advocacy.reminders import planning
from advocacy.reminders.models import Kind, Reminder
from tests import factories as f


def impressions(person) -> set[int]:
    return set(db.session.scalars(
        select(QueueImpression.post_id).where(QueueImpression.user_id == person.id)))


def test_rank_records_nothing_and_show_records_what_was_shown(db_session):
    person = f.user()
    posts = [f.post(f"post {i}") for i in range(7)]
    now = utcnow()
    ranked = queue.rank(person, now, limit=5)
    assert len(ranked.items) == 5 and ranked.waiting == 2
    assert impressions(person) == set()
    shown = queue.show(person, now, limit=5)
    assert [i.post.id for i in shown.items] == [i.post.id for i in ranked.items]
    assert impressions(person) == {i.post.id for i in shown.items}
    assert impressions(person) < {p.id for p in posts}


def test_planning_records_no_impressions_and_leaves_the_cap_alone(db_session):
    """The planner looks at two posts on Monday; the person first opens the queue on
    Wednesday, when a job closing in two days has arrived. With a cap of two, that job must
    still get a place: the planner's look did not count as showing."""
    get_programme().weekly_post_cap = 2
    monday = utcnow()
    person = f.user()
    early = [f.post(f"early {i}", deadline_at=monday + timedelta(days=40),
                    now=monday - timedelta(hours=1)) for i in range(2)]
    assert planning.plan(monday) > 0
    (digest,) = db.session.scalars(
        select(Reminder).where(Reminder.user_id == person.id, Reminder.kind == Kind.DIGEST))
    assert set(digest.payload["post_ids"]) == {p.id for p in early}
    planning.plan(monday + timedelta(hours=1))  # planning again changes nothing either
    assert impressions(person) == set()
    assert db.session.scalar(select(func.count()).select_from(QueueImpression)) == 0

    wednesday = monday + timedelta(days=2)
    closing = f.post("closing soon", deadline_at=wednesday + timedelta(days=2), now=wednesday)
    seen = queue.show(person, wednesday + timedelta(minutes=1))
    titles = [i.post.title for i in seen.items]
    assert len(titles) == 2 and closing.title in titles
    assert impressions(person) == {i.post.id for i in seen.items}


def test_onboarding_checks_the_queue_without_recording_impressions(db_session):
    quiet, busy = f.topic("Quiet"), f.topic("Busy")
    f.post(topics=(busy,))
    f.post(topics=(busy,))
    person = f.user()
    onboarding.save_interests(person, [quiet.id], ["linkedin"], now=utcnow())
    onboarding.save_interests(person, [busy.id], ["linkedin"], now=utcnow())
    assert impressions(person) == set()


def test_queue_page_records_impressions_and_other_pages_do_not(client, login, db_session):
    person = f.user()
    posts = [f.post(f"page {i}") for i in range(3)]
    login(person)
    assert client.get("/settings").status_code == 200
    assert impressions(person) == set()
    page = client.get("/queue")
    assert page.status_code == 200
    assert impressions(person) == {p.id for p in posts}
