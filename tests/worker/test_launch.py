"""`python -m worker.launch`: the embedded Redis lives exactly as long as the product."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import redis

from tests.worker.conftest import ROOT, free_port, wait_until
from worker.launch import EmbeddedRedis


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_embedded_redis_listens_on_loopback_tcp_and_stops():
    server = EmbeddedRedis()
    url = server.start()
    pid, directory = server.process.pid, server.directory
    try:
        assert re.fullmatch(r"redis://127\.0\.0\.1:\d+/0", url)
        assert redis.Redis.from_url(url).ping()
    finally:
        server.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not port_open(int(url.rsplit(":", 1)[1].split("/")[0]))
    assert not Path(directory).exists()


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def test_sigterm_stops_web_worker_beat_and_the_embedded_redis(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update(
        PORT=str(port),
        DEMO_DATA="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'launch.db'}",
        ADVOCACY_INSTANCE=str(tmp_path / "instance"),
        WORKER_CONCURRENCY="1",
        WEB_CONCURRENCY="1",
        MAIL_PORT=str(free_port()),
    )
    log_path = tmp_path / "launch.log"
    with open(log_path, "wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "worker.launch"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    descendants: list[psutil.Process] = []
    try:
        assert wait_until(lambda: healthy(port) or launcher.poll() is not None, 40), \
            log_path.read_text()
        assert launcher.poll() is None, log_path.read_text()
        found = re.search(r"embedded Redis on redis://127\.0\.0\.1:(\d+)/0 \(pid (\d+)\)",
                          log_path.read_text())
        assert found, log_path.read_text()
        redis_port, redis_pid = int(found.group(1)), int(found.group(2))
        descendants = psutil.Process(launcher.pid).children(recursive=True)
        assert redis_pid in {p.pid for p in descendants}

        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=20) == 128 + signal.SIGTERM

        _gone, alive = psutil.wait_procs(descendants, timeout=5)
        assert alive == [], f"left running: {alive}\n{log_path.read_text()}"
        assert not port_open(redis_port) and not port_open(port)
        assert "embedded Redis stopped" in log_path.read_text()
    finally:
        if launcher.poll() is None:  # the test failed early: stop everything it started
            try:
                descendants += psutil.Process(launcher.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
            launcher.send_signal(signal.SIGTERM)
            try:
                launcher.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
        for process in descendants:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass


def test_links_follow_the_port_mail_is_caught_and_a_dead_worker_comes_back(tmp_path):
    """`PORT=… make run`: the welcome e-mail's links carry that port, the launcher's SMTP sink
    shows the e-mail on its page, and a worker killed with SIGKILL is started again."""
    from celery import Celery

    from tests import factories
    from tests.conftest import make_app, upgrade

    database = f"sqlite:///{tmp_path / 'launch.db'}"
    setup = make_app(database)
    upgrade(setup)
    with setup.app_context():
        from advocacy.extensions import db

        ids = [factories.user("ambassador", email=f"new{i}@example.org").id for i in (1, 2)]
        db.session.commit()

    (tmp_path / "instance").mkdir()
    port, mail_page_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "DATABASE_URL", "TEST_DATABASE_URL", "PUBLIC_BASE_URL",
                        "MAIL_SERVER", "MAIL_PORT"}}
    env.update(PORT=str(port), DEMO_DATA="0", DATABASE_URL=database,
               ADVOCACY_INSTANCE=str(tmp_path / "instance"), WORKER_CONCURRENCY="1",
               WEB_CONCURRENCY="1", MAILSINK_PORT=str(mail_page_port))
    log_path = tmp_path / "launch.log"
    with open(log_path, "wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "worker.launch"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def page() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{mail_page_port}/", timeout=1) as r:
                return r.read().decode()
        except OSError:
            return ""

    descendants: list[psutil.Process] = []
    try:
        assert wait_until(lambda: healthy(port) or launcher.poll() is not None, 40), \
            log_path.read_text()
        text = log_path.read_text()
        assert f"links use http://127.0.0.1:{port}" in text
        assert f"caught mail at http://127.0.0.1:{mail_page_port}/" in text
        redis_url = re.search(r"embedded Redis on (redis://\S+)", text).group(1)
        sender = Celery(broker=redis_url)
        sender.send_task("advocacy.send_welcome_email", args=[ids[0]])
        assert wait_until(lambda: "new1@example.org" in page(), 30), log_path.read_text()
        assert f"http://127.0.0.1:{port}/login" in page()
        assert "http://127.0.0.1:5000" not in page()
        assert wait_until(lambda: "mail | to new1@example.org" in log_path.read_text(), 10)

        descendants = psutil.Process(launcher.pid).children(recursive=True)
        def is_celery_worker(process: psutil.Process) -> bool:
            argv = process.cmdline()
            return any(a.endswith("/celery") or a == "celery" for a in argv[:2]) \
                and "worker" in argv[2:] and "beat" not in argv

        workers = [p for p in descendants
                   if is_celery_worker(p) and not is_celery_worker(p.parent())]
        assert workers, [p.cmdline() for p in descendants]
        workers[0].kill()
        assert wait_until(lambda: "starting it again" in log_path.read_text(), 10)
        sender.send_task("advocacy.send_welcome_email", args=[ids[1]])
        assert wait_until(lambda: "new2@example.org" in page(), 45), log_path.read_text()
        assert launcher.poll() is None
    finally:
        try:
            descendants += psutil.Process(launcher.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
        _gone, alive = psutil.wait_procs(descendants, timeout=5)
        for process in alive:
            process.kill()
        assert alive == [], f"left running: {alive}\n{log_path.read_text()}"


def test_public_base_url_follows_the_port_unless_set():
    from worker.launch import public_base_url

    assert public_base_url({"PORT": "5311"}) == "http://127.0.0.1:5311"
    assert public_base_url({"PORT": "8000", "WEB_HOST": "0.0.0.0"}) == "http://127.0.0.1:8000"
    assert public_base_url({"PORT": "8000", "WEB_HOST": "::1"}) == "http://[::1]:8000"
    assert public_base_url({"PORT": "5311", "PUBLIC_BASE_URL": "https://ambassador.example"}) \
        == "https://ambassador.example"


def test_embedded_redis_keeps_the_click_stream_across_a_restart(tmp_path):
    """Under `make run` clicks wait in a Redis stream: a stop must not lose them."""
    folder = tmp_path / "redis"
    server = EmbeddedRedis(folder)
    url = server.start()
    try:
        client = redis.Redis.from_url(url)
        client.xadd("clicks:stream", {"c": "kept"})
    finally:
        server.stop()  # SIGTERM: redis-server writes its append-only file before it exits
    assert folder.exists()
    again = EmbeddedRedis(folder)
    url = again.start()
    try:
        entries = redis.Redis.from_url(url).xrange("clicks:stream")
        assert [fields[b"c"] for _id, fields in entries] == [b"kept"]
    finally:
        again.stop()
