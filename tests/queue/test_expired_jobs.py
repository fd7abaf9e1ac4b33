"""Issue 10 item 9: a job leaves the queue at its application deadline (organisation time),
the share page refuses it with a clear message, and reminders do not offer it (M18)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.orgtime import local_to_utc
from advocacy.queue import service as queue
from advocacy.reminders import planning
from advocacy.reminders.models import Reminder
from advocacy.sharing import service as sharing
from advocacy.sharing.models import Share
from tests import factories as f


def ids(q) -> list[int]:
    return [item.post.id for item in q.items]


def test_job_drops_out_at_its_deadline_in_org_time(app, db_session):
    # The curator's form gives wall-clock time in ORG_TIMEZONE (Europe/Oslo): 16:00 on
    # 5 December is 15:00 UTC (winter time); on 5 June (summer time) it is 14:00 UTC.
    for local in (datetime(2026, 12, 5, 16, 0), datetime(2027, 6, 5, 16, 0)):
        deadline = local_to_utc(local)
        assert deadline.hour == (15 if local.month == 12 else 14)
        person = f.user()
        job = f.post(deadline_at=deadline, now=deadline - timedelta(days=3))
        news = f.post(kind="news", now=deadline - timedelta(days=3))
        before = deadline - timedelta(seconds=1)
        assert set(ids(queue.rank(person, before))) >= {job.id, news.id}
        assert queue.post_for_user(person, job.id, before) is job
        assert job.id not in ids(queue.rank(person, deadline))
        assert news.id in ids(queue.rank(person, deadline))
        assert queue.post_for_user(person, job.id, deadline) is None
        assert not job.is_live(deadline) and job.is_live(before)


def test_share_page_refuses_an_expired_job_on_get_and_post(client, login, db_session):
    person = f.user(locale="nb")
    now = utcnow()
    job = f.post("Sykepleier, natt", now=now - timedelta(days=10),
                 deadline_at=now - timedelta(minutes=1))
    login(person)
    page = client.get(f"/share/{job.id}/linkedin")
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "Søknadsfristen er ute" in text and "Sykepleier, natt" in text
    sent = client.post(f"/share/{job.id}/linkedin", data={"text": "Søk nå!"})
    assert sent.status_code == 410
    assert "Søknadsfristen er ute" in sent.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Share)) == 0
    assert f"/share/{job.id}/" not in client.get("/queue").get_data(as_text=True)


def test_the_share_service_itself_refuses_after_the_deadline(db_session):
    person = f.user()
    now = utcnow()
    job = f.post(now=now - timedelta(days=2), deadline_at=now + timedelta(hours=1))
    try:
        sharing.share(person, job, "linkedin", "Apply!", now + timedelta(hours=1))
    except sharing.ShareError as exc:
        assert "deadline" in str(exc)
    else:  # pragma: no cover - the assertion below explains the failure
        raise AssertionError("an expired job was shared")
    assert sharing.share(person, job, "linkedin", "Apply!", now).id


def test_reminders_do_not_offer_an_expired_job(db_session):
    person = f.user()
    now = utcnow()
    expired = f.post("expired", now=now - timedelta(days=2), deadline_at=now - timedelta(hours=1))
    open_job = f.post("open", now=now - timedelta(days=2))
    planning.plan(now)
    planned = list(db.session.scalars(select(Reminder).where(Reminder.user_id == person.id)))
    offered = {pid for r in planned for pid in (r.payload or {}).get("post_ids", [])}
    offered |= {r.post_id for r in planned if r.post_id}
    assert open_job.id in offered and expired.id not in offered
    # A digest planned before the deadline and sent after it drops the job at send time:
    # delivery keeps only posts for which Post.is_live(now) holds.
    assert open_job.is_live(now) and not expired.is_live(now)
