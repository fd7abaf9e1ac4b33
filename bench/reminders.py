"""Benchmark: 10,000 personalised digest e-mails through one real Celery worker (concurrency 2)
to a local SMTP sink, next to a bare Celery no-op task rate measured in the same run.

    PYTHONPATH=. .venv/bin/python bench/reminders.py [--people 10000] [--database-url URL]
        [--redis-url redis://127.0.0.1:6379/11] [--noop 2000]

Without --database-url a temporary SQLite file is used. The Redis database given is FLUSHED
(use one of your own). Prints setup times, then the two rates and their ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingSink:
    """A real SMTP server (aiosmtpd) that only counts accepted messages and recipients."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.count = 0
        self.recipients: set[str] = set()
        self.lock = threading.Lock()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--noop", type=int, default=2_000)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ.update(ADVOCACY_INSTANCE=str(tmp), SECRET_KEY="bench-secret",
                      DATABASE_URL=database_url, REDIS_URL=args.redis_url,
                      PUBLIC_BASE_URL="http://localhost")
    import redis
    from sqlalchemy import func, select, text

    from advocacy import create_app
    from advocacy.content import editing, post_input
    from advocacy.db import utcnow
    from advocacy.extensions import db
    from advocacy.reminders import dispatch, planning
    from advocacy.reminders.models import Reminder, Status

    redis.Redis.from_url(args.redis_url).flushdb()
    sink = CountingSink()
    sink.controller.start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": args.redis_url,
                      "MAIL_PORT": sink.port})
    with app.app_context():
        from flask_migrate import upgrade

        if database_url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))

        t0 = time.perf_counter()
        users = [{"email": f"p{i}@example.org", "name": f"Person {i}", "title": "",
                  "locale": ("nb", "da", "en")[i % 3], "session_version": 1, "active": True,
                  "created_at": utcnow(), "joined_at": utcnow()} for i in range(args.people)]
        from advocacy.accounts.models import Role, User
        from advocacy.reminders.models import ReminderPreference

        db.session.execute(User.__table__.insert(), users)
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.execute(Role.__table__.insert(), [
            {"user_id": i, "name": "ambassador", "created_at": utcnow()} for i in ids])
        db.session.execute(ReminderPreference.__table__.insert(), [
            {"user_id": i, "frequency": "daily", "email": True, "chat": False, "work_start": 0,
             "work_end": 24, "work_days": "1234567", "unsubscribed": "",
             "updated_at": utcnow()} for i in ids])
        for n in range(6):
            editing.create_post(post_input.PostData(
                title=f"We are hiring: role {n}", link=f"https://example.org/jobs/{n}",
                kind="news", status="live", starts_at=None, ends_at=None, topic_ids=[],
                unit_ids=[], texts={"linkedin": "Come and work with us"}),
                by_user_id=None, now=utcnow())
        db.session.commit()
        print(f"setup: {args.people} people and 6 posts in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        planned = planning.plan(utcnow())
        db.session.commit()
        print(f"plan: {planned} digest rows (rank per person) in "
              f"{time.perf_counter() - t0:.1f} s")

    log = open(tmp / "worker.log", "wb")  # noqa: SIM115
    env = dict(os.environ, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink.port), PYTHONUNBUFFERED="1")
    worker = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=prefork",
         f"--concurrency={args.concurrency}", "--loglevel=WARNING", "--without-mingle",
         "--without-gossip", "--without-heartbeat", "-n", "bench@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        from celery import Celery

        client = Celery("bench", broker=args.redis_url, backend=args.redis_url)
        client.conf.update(task_serializer="json", accept_content=["json"],
                           result_serializer="json")
        ping = client.send_task("celery.accumulate", args=[0])
        ping.get(timeout=60)  # the worker is up

        # Baseline: a no-op task (Celery's own `celery.accumulate`) N times, same worker.
        t0 = time.perf_counter()
        results = [client.send_task("celery.accumulate", args=[i]) for i in range(args.noop)]
        for result in results:
            result.get(timeout=120)
        noop_seconds = time.perf_counter() - t0
        noop_rate = args.noop / noop_seconds

        # Reminders: one scan's dispatch (batches of 200), then wait for the sink.
        with app.app_context():
            t0 = time.perf_counter()
            batches = dispatch.dispatch(utcnow())
            db.session.commit()
            while sink.count < planned and time.perf_counter() - t0 < 300 \
                    and worker.poll() is None:
                time.sleep(0.05)
            seconds = time.perf_counter() - t0
            time.sleep(1.0)
            sent = db.session.scalar(select(func.count(Reminder.id)).where(
                Reminder.status == Status.SENT))
        rate = sink.count / seconds
        print(f"no-op tasks: {args.noop} in {noop_seconds:.2f} s = {noop_rate:,.0f} tasks/s")
        print(f"reminders:   {sink.count} e-mails ({len(batches)} batch tasks) in "
              f"{seconds:.2f} s = {rate:,.0f} reminders/s; rows marked sent: {sent}; "
              f"distinct recipients: {len(sink.recipients)}")
        print(f"ratio: {rate / noop_rate:.2f} reminders per no-op task time "
              f"({seconds / planned * 1000:.2f} ms per reminder vs "
              f"{noop_seconds / args.noop * 1000:.2f} ms per no-op task)")
        met = seconds < 30 and planned >= 10_000
        print(f"target 10,000 in < 30 s: {'met' if met else 'NOT met'} "
              f"({seconds:.1f} s for {planned})")
    finally:
        import signal

        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        log.close()
        sink.controller.stop()
        redis.Redis.from_url(args.redis_url).flushdb()


if __name__ == "__main__":
    main()
