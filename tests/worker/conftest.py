"""Live fixtures for the worker tests: an SMTP sink, a committed database, a real worker.

These tests commit for real (a worker in another process must see the rows), so they use
their own database, never the savepoint-per-test one: a temp SQLite file, or, when
TEST_DATABASE_URL points at PostgreSQL, a freshly created database dropped at the end.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis

from bench.harness import free_port, wait_until  # noqa: F401 - the tests' own imports
from tests.conftest import make_app, own_database, redis_url, upgrade

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of our own, flushed first: the suite's default (15) holds stray messages.
WORKER_REDIS_URL = redis_url("TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture(autouse=True)
def _advocacy_loggers_enabled(monkeypatch):
    """migrations/env.py's fileConfig() disables every logger that exists when upgrade() runs
    (disable_existing_loggers defaults to True); the log lines these tests read come back."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if name.startswith("advocacy") and isinstance(logger, logging.Logger):
            monkeypatch.setattr(logger, "disabled", False)


class SmtpSink:
    """A real SMTP server on a free loopback port that keeps every message it is given."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self.port = free_port()  # the controller checks readiness by connecting to it
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, timeout: float = 15.0) -> EmailMessage | None:
        wait_until(lambda: self.to(address), timeout)
        found = self.to(address)
        return found[0] if found else None


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def worker_redis():
    client = redis.Redis.from_url(WORKER_REDIS_URL)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def live_database_url(tmp_path_factory):
    """A committed database migrated from zero; unique, and removed afterwards."""
    with own_database("advocacy_worker", tmp_path_factory.mktemp("live-db")) as url:
        yield url


@pytest.fixture(scope="module")
def live_app(live_database_url, smtp_sink, worker_redis):
    from advocacy.extensions import db

    app = make_app(
        live_database_url,
        REDIS_URL=WORKER_REDIS_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.port,
    )
    upgrade(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


class WorkerProcess:
    """`celery -A worker worker --pool=solo` in a subprocess, its output kept in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=solo",
                "--loglevel=INFO", "--without-mingle", "--without-gossip",
                "--without-heartbeat", "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, timeout: float = 20.0) -> None:
        if not wait_until(lambda: " ready." in self.log() or self.process.poll() is not None,
                          timeout):
            raise AssertionError(f"the worker did not start:\n{self.log()}")
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.log()}")

    def stop(self) -> None:
        try:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
        finally:
            self._log.close()


@pytest.fixture(scope="module")
def celery_worker(live_app, live_database_url, smtp_sink, worker_redis, tmp_path_factory):
    """A real worker on the live database, WORKER_REDIS_URL and the SMTP sink."""
    instance = tmp_path_factory.mktemp("worker-instance")
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env.update(
        DATABASE_URL=live_database_url,
        REDIS_URL=WORKER_REDIS_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_sink.port),
        MAIL_FROM="advocacy@example.org",
        PUBLIC_BASE_URL="http://localhost",
        ADVOCACY_INSTANCE=str(instance),
        SECRET_KEY="test-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    worker = WorkerProcess(env, instance / "worker.log")
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
