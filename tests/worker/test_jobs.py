"""enqueue(): a job reaches the broker only when its transaction commits.

These read the real Redis queue (a database of their own, no worker consuming it).
"""

from __future__ import annotations

import base64
import json
import logging

import pytest
import redis
from sqlalchemy import select

from advocacy import jobs, tasknames
from advocacy.accounts.models import User
from tests import factories as f
from tests.conftest import redis_url
from tests.worker.conftest import free_port

JOBS_REDIS_URL = redis_url("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/13")
WELCOME = tasknames.SEND_WELCOME


@pytest.fixture
def queue(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", JOBS_REDIS_URL)
    client = redis.Redis.from_url(JOBS_REDIS_URL)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def queued(client) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in Celery's default queue, oldest first."""
    out = []
    for raw in reversed(client.lrange("celery", 0, -1)):
        message = json.loads(raw)
        assert message["content-type"] == "application/json"  # never pickle
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        out.append((message["headers"]["task"], args))
    return out


def test_job_is_sent_when_the_transaction_commits(db_session, queue):
    jobs.enqueue(WELCOME, 7)
    assert jobs.pending() == [(WELCOME, [7])]
    assert queued(queue) == []
    db_session.commit()
    assert queued(queue) == [(WELCOME, [7])]
    assert jobs.pending() == []


def test_job_is_dropped_on_rollback(db_session, queue):
    f.user()
    jobs.enqueue(WELCOME, 7)
    db_session.rollback()
    assert jobs.pending() == []
    db_session.commit()
    assert queued(queue) == []


def test_job_enqueued_before_any_query_is_still_dropped_on_rollback(db_session, queue):
    db_session.commit()  # a fresh transaction with nothing in it yet
    jobs.enqueue(WELCOME, 8)
    db_session.rollback()
    db_session.commit()
    assert queued(queue) == []


def test_rolled_back_savepoint_drops_only_its_own_jobs(db_session, queue):
    jobs.enqueue(WELCOME, 1)
    savepoint = db_session.begin_nested()
    jobs.enqueue(WELCOME, 2)
    savepoint.rollback()
    with db_session.begin_nested():
        jobs.enqueue(WELCOME, 3)
    assert queued(queue) == []  # a released savepoint is not a commit
    db_session.commit()
    assert queued(queue) == [(WELCOME, [1]), (WELCOME, [3])]


def test_arguments_must_be_json(db_session, queue):
    person = f.user()
    with pytest.raises(TypeError, match="JSON"):
        jobs.enqueue(WELCOME, person)
    assert jobs.pending() == []


def test_a_dead_broker_does_not_undo_or_fail_the_commit(app, db_session, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    person = f.user(email="kept@example.org")
    jobs.enqueue(WELCOME, person.id)
    with caplog.at_level(logging.ERROR, logger="advocacy.jobs"):
        db_session.commit()
    assert "could not be sent to the broker" in caplog.text
    assert db_session.scalar(select(User.id).where(User.email == "kept@example.org"))


def test_admin_adding_a_person_enqueues_the_welcome(client, login, db_session, queue):
    login(f.user("admin"))
    response = client.post("/admin/users/new", data={
        "email": "ny@example.org", "name": "Ny Person", "unit_id": 0, "locale": "da",
        "roles": ["ambassador"], "password": "",
    })
    assert response.status_code == 302
    person = db_session.scalar(select(User).where(User.email == "ny@example.org"))
    assert queued(queue) == [(WELCOME, [person.id])]


def test_refused_person_enqueues_nothing(client, login, db_session, queue):
    admin = f.user("admin")
    login(admin)
    response = client.post("/admin/users/new", data={
        "email": admin.email, "name": "Twin", "unit_id": 0, "roles": ["ambassador"],
    })
    assert response.status_code == 400
    assert queued(queue) == []
