"""Reminders through a real worker process, real Redis and a real SMTP server, with faults:
the worker killed (-9) mid-batch, Redis restarted mid-run, the same task delivered twice.
Afterwards every due reminder was delivered exactly once, counted at the SMTP sink."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from advocacy import tasknames
from advocacy.accounts import service as accounts
from advocacy.accounts.models import User
from advocacy.content.models import Post
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.jobs import _client
from advocacy.reminders import dispatch, notices
from advocacy.reminders.models import Kind, Reminder, ReminderPreference, Status
from tests.conftest import make_app, upgrade
from tests.sinks import ReminderSmtpSink
from tests.worker.conftest import WORKER_REDIS_URL, WorkerProcess, free_port, wait_until

LEASES = {"REMINDER_DISPATCH_LEASE": 2, "REMINDER_SEND_LEASE": 3, "REMINDER_BATCH_SIZE": 20}


@pytest.fixture(scope="module")
def sink():
    server = ReminderSmtpSink().start()
    yield server
    server.stop()


def app_for(database_url: str, redis_url: str, sink):
    return make_app(database_url, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                    MAIL_PORT=sink.port, **LEASES)


@pytest.fixture(scope="module")
def rapp(live_database_url, sink, worker_redis):
    app = app_for(live_database_url, WORKER_REDIS_URL, sink)
    upgrade(app)
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def start_worker(live_database_url, sink, tmp_path):
    started: list[WorkerProcess] = []

    def _start(redis_url: str = WORKER_REDIS_URL) -> WorkerProcess:
        env = dict(os.environ)
        env.pop("TEST_DATABASE_URL", None)
        env.update(
            DATABASE_URL=live_database_url, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(sink.port), MAIL_FROM="advocacy@example.org",
            PUBLIC_BASE_URL="http://localhost", ADVOCACY_INSTANCE=str(tmp_path),
            SECRET_KEY="test-secret-key-not-for-production", PYTHONUNBUFFERED="1",
            **{key: str(value) for key, value in LEASES.items()},
        )
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield _start
    for worker in started:
        worker.stop()


def seed(app, n: int, tag: str) -> list[str]:
    """n people who may be reminded at any hour, each with one notice due now."""
    emails = []
    with app.app_context():
        for i in range(n):
            person = accounts.create_user(email=f"{tag}{i}@example.org", name=f"{tag} {i}",
                                          locale="en")
            db.session.add(ReminderPreference(user_id=person.id, work_start=0, work_end=24,
                                              work_days="1234567"))
            notices.notify(person, Kind.NOTICE, {"headline": f"Kudos {tag}"}, utcnow())
            emails.append(person.email)
        db.session.commit()
    return emails


def scan(app) -> int:
    """What the beat's scan does, run here (the lock and the broker are the app's Redis)."""
    from worker import reminder_tasks

    with app.app_context():
        return reminder_tasks.scan()["rows"]


def delivered(sink, emails: list[str]) -> Counter:
    counts = sink.counts("notice")
    return Counter({e: counts[e] for e in emails if counts[e]})


def no_more_to_come(app, sink, emails: list[str], kind: str = Kind.NOTICE,
                    timeout: float = 60.0) -> None:
    """Wait until nothing more can arrive, instead of sleeping a while: every row of theirs
    is sent, no batch holds a lease on one any more (a batch that claimed a row releases it
    when it is done with it), and every one of them has their message. A resend needs a row
    that is not sent yet and whose lease has expired, so after this no duplicate can come."""
    def done() -> bool:
        with app.app_context():
            now = utcnow()
            open_rows = db.session.scalar(
                select(func.count(Reminder.id)).join(User, User.id == Reminder.user_id)
                .where(User.email.in_(emails), Reminder.kind == kind,
                       (Reminder.status != Status.SENT)
                       | (Reminder.claim_token.is_not(None) & (Reminder.claimed_until > now))))
            db.session.remove()
        return open_rows == 0 and len(Counter(
            {e: c for e, c in sink.counts(kind).items() if e in emails})) == len(emails)

    assert wait_until(done, timeout), "reminders still pending or leased"


def scanned_until_delivered(scan_once, sink, emails: list[str]):
    """A wait_until condition: everyone has their message; if not yet, one beat tick now."""
    def condition() -> bool:
        if len(delivered(sink, emails)) == len(emails):
            return True
        scan_once()
        return False

    return condition


def settle(app, sink, emails, timeout: float = 30.0) -> None:
    """Scan every half second (as beat would, faster) until everyone has their message."""
    wait_until(scanned_until_delivered(lambda: scan(app), sink, emails), timeout, interval=0.5)
    no_more_to_come(app, sink, emails)


def assert_exactly_once(app, sink, emails) -> None:
    counts = delivered(sink, emails)
    assert sorted(counts) == sorted(emails), f"missing: {set(emails) - set(counts)}"
    assert set(counts.values()) == {1}, {e: c for e, c in counts.items() if c != 1}
    with app.app_context():
        states = dict(db.session.execute(
            select(Reminder.status, func.count(Reminder.id))
            .join(User, User.id == Reminder.user_id)
            .where(User.email.in_(emails), Reminder.kind == Kind.NOTICE)
            .group_by(Reminder.status)
        ).tuples().all())
        db.session.remove()
    assert states == {Status.SENT: len(emails)}


def test_beat_scan_task_plans_and_sends_digests_through_the_worker(rapp, sink, start_worker):
    sink.clear()
    start_worker()
    emails = []
    with rapp.app_context():
        from advocacy.content import editing, post_input

        for i in range(30):
            person = accounts.create_user(email=f"digest{i}@example.org", name=f"D {i}",
                                          locale=("nb", "da", "en")[i % 3])
            person.joined_at = utcnow()  # digests go only to people who joined the programme
            db.session.add(ReminderPreference(user_id=person.id, work_start=0, work_end=24,
                                              work_days="1234567"))
            emails.append(person.email)
        editing.create_post(post_input.PostData(
            title="Nurses wanted", link="https://example.org/jobs/9", kind="news", status="live",
            starts_at=None, ends_at=None, topic_ids=[], unit_ids=[],
            texts={"linkedin": "We are hiring"}), by_user_id=None, now=utcnow())
        db.session.commit()
    # The beat sends the task by name; the worker runs the scan and then the batches.
    _client(rapp).send_task(tasknames.REMINDERS_SCAN, kwargs={"force_plan": True})
    digests = lambda: Counter({e: c for e, c in sink.counts("digest").items() if e in emails})  # noqa: E731
    assert wait_until(lambda: len(digests()) == 30, 30), sink.counts()
    no_more_to_come(rapp, sink, emails, Kind.DIGEST)
    assert set(digests().values()) == {1}
    message = sink.to("digest1@example.org")[0]
    assert message["Content-Language"] == "da" and message["List-Unsubscribe-Post"]
    with rapp.app_context():
        sent = db.session.scalar(select(func.count(Reminder.id)).where(
            Reminder.kind == Kind.DIGEST, Reminder.status == Status.SENT))
        # Archived, so that the later tests' scans plan no digests of it.
        db.session.execute(update(Post).values(status="archived"))
        db.session.commit()
        db.session.remove()
    assert sent == 30


def test_the_same_batch_task_delivered_twice_sends_once(rapp, sink, start_worker):
    sink.clear()
    start_worker()
    emails = seed(rapp, 40, f"twice{uuid.uuid4().hex[:4]}")
    with rapp.app_context():
        batches = dispatch.dispatch(utcnow())
        db.session.commit()  # the batch tasks go to Redis now
        db.session.remove()
    client = _client(rapp)
    for token, ids in batches:  # and every one of them a second time
        client.send_task(tasknames.REMINDERS_SEND_BATCH, args=[token, ids])
    assert wait_until(lambda: len(delivered(sink, emails)) == 40, 30), sink.counts()
    no_more_to_come(rapp, sink, emails)
    assert set(delivered(sink, emails).values()) == {1}


def test_worker_killed_mid_batch_then_restarted_delivers_each_once(rapp, sink, start_worker):
    sink.clear()
    worker = start_worker()
    emails = seed(rapp, 60, f"kill{uuid.uuid4().hex[:4]}")
    # Hold the 25th message at MAIL FROM, kill -9 the worker there (mid-batch 2 of 3).
    sink.release.clear()
    sink.held.clear()
    sink.hold_at = sink.mail_commands + 25
    try:
        scan(rapp)
        assert sink.held.wait(20), worker.log()
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(10)
    finally:
        sink.release.set()
        sink.hold_at = None
    assert len(delivered(sink, emails)) == 24
    start_worker()
    settle(rapp, sink, emails)
    assert_exactly_once(rapp, sink, emails)


def _redis_server(port: int, tmp_path: Path) -> subprocess.Popen:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(  # no persistence: a restart loses every queued message
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    assert wait_until(lambda: _pings(client), 10)
    return process


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def test_redis_restarted_during_a_run_delivers_each_once(live_database_url, rapp, sink,
                                                         start_worker, tmp_path):
    port = free_port()
    own_redis = _redis_server(port, tmp_path)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        app = app_for(live_database_url, url, sink)
        sink.clear()
        start_worker(url)
        emails = seed(app, 80, f"redis{uuid.uuid4().hex[:4]}")
        sink.release.clear()
        sink.held.clear()
        sink.hold_at = sink.mail_commands + 10
        try:
            scan(app)  # 4 batches queued in Redis
            assert sink.held.wait(20)
            own_redis.terminate()  # every queued and unacknowledged batch is lost
            own_redis.wait(10)
            own_redis = _redis_server(port, tmp_path)
        finally:
            sink.release.set()
            sink.hold_at = None
        settle(app, sink, emails, timeout=40)
        assert_exactly_once(app, sink, emails)
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        own_redis.terminate()
        own_redis.wait(10)


# -- duplicates the recipient never sees (issue 10, item 11) -------------------------------


def ids_by_recipient(sink, emails: list[str], kind: str = "notice") -> dict[str, list[str]]:
    """Message-IDs of every copy each recipient got, counted at the SMTP sink."""
    wanted = set(emails)
    with sink._lock:
        pairs = list(zip(sink.messages, sink.envelopes, strict=True))
    out: dict[str, list[str]] = {}
    for message, (_sender, rcpts) in pairs:
        if not str(message["X-Advocacy-Reminder"] or "").startswith(f"{kind}:"):
            continue
        for rcpt in rcpts:
            if rcpt in wanted:
                out.setdefault(rcpt, []).append(str(message["Message-ID"]))
    return out


def expected_ids(app, emails: list[str]) -> dict[str, str]:
    """The Message-ID each person's notice must carry: derived from its dedupe key."""
    from advocacy.reminders.delivery import message_id

    with app.app_context():
        rows = db.session.execute(
            select(User.email, Reminder).join(Reminder, Reminder.user_id == User.id)
            .where(User.email.in_(emails), Reminder.kind == Kind.NOTICE)).all()
        out = {email: message_id(row, "advocacy@example.org") for email, row in rows}
        db.session.remove()
    return out


def assert_none_lost_duplicates_folded(app, sink, emails) -> int:
    """0 lost; any duplicate carries the same Message-ID as the first copy. Returns duplicates."""
    seen = ids_by_recipient(sink, emails)
    assert sorted(seen) == sorted(emails), f"lost: {sorted(set(emails) - set(seen))[:10]}"
    expected = expected_ids(app, emails)
    for email, ids in seen.items():
        assert set(ids) == {expected[email]}, (email, ids, expected[email])
    with app.app_context():
        states = dict(db.session.execute(
            select(Reminder.status, func.count(Reminder.id))
            .join(User, User.id == Reminder.user_id)
            .where(User.email.in_(emails), Reminder.kind == Kind.NOTICE)
            .group_by(Reminder.status)
        ).tuples().all())
        db.session.remove()
    assert states == {Status.SENT: len(emails)}
    return sum(len(ids) - 1 for ids in seen.values())


def test_killed_after_the_hand_off_the_resend_has_the_same_message_id(rapp, sink, start_worker):
    """The worst moment: the server has the message, the worker dies before recording it."""
    sink.clear()
    worker = start_worker()
    emails = seed(rapp, 30, f"handoff{uuid.uuid4().hex[:4]}")
    sink.release.clear()
    sink.held.clear()
    sink.hold_data_at = sink.data_commands + 12
    try:
        scan(rapp)
        assert sink.held.wait(20), worker.log()
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(10)
    finally:
        sink.release.set()
        sink.hold_data_at = None
    start_worker()
    settle(rapp, sink, emails)
    duplicates = assert_none_lost_duplicates_folded(rapp, sink, emails)
    assert duplicates == 1  # the held message, sent again, as the same message


def scan_like_beat(app) -> None:
    """One beat tick. On SQLite a scan can still meet "database is locked" while two workers
    write (issue 10 item 4, the scan's own work); beat then simply scans at the next tick."""
    from sqlalchemy.exc import OperationalError

    try:
        scan(app)
    except OperationalError:
        with app.app_context():
            db.session.rollback()
            db.session.remove()


FAN_OUT = int(os.environ.get("FAULT_FAN_OUT", "3000"))
KILLS = 6


def test_workers_killed_again_and_again_during_a_fan_out(rapp, sink, start_worker):
    """kill -9 of two workers, turn about, while 3,000 reminders fan out; all arrive."""
    sink.clear()
    emails = seed(rapp, FAN_OUT, f"fan{uuid.uuid4().hex[:4]}")
    workers = [start_worker(), start_worker()]
    scan_like_beat(rapp)
    rng = __import__("random").Random(FAN_OUT)
    for kill in range(KILLS):
        # Kill at a point of progress (not after a fixed sleep): every sixth of the way.
        target = min(len(emails) - 1, (kill + 1) * len(emails) // (KILLS + 2)
                     + rng.randrange(0, 25))
        assert wait_until(lambda t=target: sum(delivered(sink, emails).values()) >= t, 60), \
            workers[kill % 2].log()
        victim = workers[kill % 2]
        os.killpg(victim.process.pid, signal.SIGKILL)
        victim.process.wait(10)
        workers[kill % 2] = start_worker()
        scan_like_beat(rapp)  # expired leases go to new batches
    wait_until(scanned_until_delivered(lambda: scan_like_beat(rapp), sink, emails), 120,
               interval=0.5)
    no_more_to_come(rapp, sink, emails)
    duplicates = assert_none_lost_duplicates_folded(rapp, sink, emails)
    print(f"fan-out of {FAN_OUT}: {KILLS} kills, {duplicates} duplicates, all folded")
