"""Test set-up: a real database (SQLite file or PostgreSQL), schema from migrations once per
run, and every test inside a transaction that is rolled back (code under test may commit)."""

from __future__ import annotations

import atexit
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="advocacy-tests-"))
os.environ["ADVOCACY_INSTANCE"] = str(_TMP / "instance")
os.environ["ADVOCACY_FAST_PASSWORD_HASH"] = "1"
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from advocacy import create_app  # noqa: E402
from advocacy.extensions import db  # noqa: E402

# Under pytest-xdist (`pytest -n 2`) each worker process is a run of its own: its own SQLite
# file (_TMP), its own PostgreSQL database (database_url) and its own redis-server, since
# Celery's queues (the broker's keys) take no prefix and the worker tests flush databases.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
_AT_END: list = []  # what this process started outside itself, undone by _undo_at_end


def _undo_at_end() -> None:
    """At the end of the run (pytest_unconfigure; atexit if the run was cut short)."""
    while _AT_END:
        _AT_END.pop()()


def pytest_unconfigure(config) -> None:
    _undo_at_end()


atexit.register(_undo_at_end)


def _private_redis() -> str | None:
    """host:port of this xdist worker's own redis-server (stopped at exit); None without xdist."""
    if not XDIST_WORKER:
        return None
    from bench.harness import OwnRedis

    (_TMP / "redis").mkdir()
    server = OwnRedis(directory=str(_TMP / "redis")).start()
    _AT_END.append(server.cleanup)
    return f"127.0.0.1:{server.port}"


_PRIVATE_REDIS = _private_redis()


def redis_url(variable: str, default: str) -> str:
    """The Redis database that `variable` (TEST_REDIS_URL, TEST_WORKER_REDIS_URL, ...) names;
    under xdist the same database number on this worker's own redis-server."""
    url = os.environ.get(variable, default)
    if _PRIVATE_REDIS is None:
        return url
    return urlunsplit(urlsplit(url)._replace(netloc=_PRIVATE_REDIS))


TEST_REDIS_URL = redis_url("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Keys of this run only: runs (and xdist workers) can share one Redis database; each test's
# keys are under a prefix of its own inside this one (_redis_keys_of_this_test).
REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}:"
PASSWORD = "correct horse battery staple"


@cache
def database_url() -> str:
    """TEST_DATABASE_URL picks the backend; the default is a fresh SQLite file. On PostgreSQL
    it names the server: each run (each xdist worker) has a database of its own there, made
    now and dropped at exit, so runs side by side never reset each other's schema."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{_TMP / 'test.db'}"
    if not is_postgres(base):
        return base
    name = f"{make_url(base).database}_{XDIST_WORKER or 'run'}_{uuid.uuid4().hex[:8]}"
    _create_database(base, name)
    _AT_END.append(lambda: _drop_database(base, name))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@contextmanager
def own_database(prefix: str, folder: Path) -> Iterator[str]:
    """A database nobody else uses, removed afterwards, for code that must see committed rows
    from another thread or process: a SQLite file in `folder`, or, when the suite runs on
    PostgreSQL, a uniquely named database on that server (TEST_DATABASE_URL only names it)."""
    base = os.environ.get("TEST_DATABASE_URL") or ""
    if not is_postgres(base):
        yield f"sqlite:///{folder / f'{prefix}.db'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _create_database(base, name)
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(base, name)


def _on_server(server_url: str, statement: str) -> None:
    """Run `statement` (CREATE or DROP DATABASE) on the PostgreSQL server of `server_url`."""
    admin = create_engine(make_url(server_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def _create_database(server_url: str, name: str) -> None:
    _on_server(server_url, f'CREATE DATABASE "{name}"')


def _drop_database(server_url: str, name: str) -> None:
    _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_database(url: str) -> None:
    """Start from an empty database so migrations run from zero."""
    if is_postgres(url):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


class IsolatedClient(FlaskClient):
    """Each request starts with a clean `g`.

    Tests hold an app context open (for the rolled-back session), and Flask reuses it for
    requests, so Flask-Login's and Flask-Babel's per-request caches on `g` would leak.
    """

    def open(self, *args, **kwargs):
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()


def _clear_g() -> None:
    from flask import g, has_app_context

    if has_app_context():
        for key in list(vars(g)):
            delattr(g, key)


def make_app(url: str, **extra):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "REDIS_URL": TEST_REDIS_URL,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PUBLIC_BASE_URL": "http://localhost",
        # Tests read English text unless they ask for another language; nb stays the
        # product default (tests/foundations/test_pages.py checks the browser's choice).
        "BABEL_DEFAULT_LOCALE": "en",
        "REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
        "TRACKING_SPOOL_DIR": str(_TMP / "click-spool"),
    }
    config.update(extra)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


def upgrade(app) -> None:
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade()


@pytest.fixture(scope="session")
def app():
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    url = database_url()
    reset_database(url)
    application = make_app(url)
    upgrade(application)
    return application


@pytest.fixture
def db_session(app):
    """A database session whose work disappears after the test, even if the code commits."""
    with app.app_context():
        engines = db.engines  # Flask-SQLAlchemy's own mapping for this app, bind key -> engine
        real_engine = engines[None]
        connection = real_engine.connect()
        outer = connection.begin()
        engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield db.session
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = real_engine


@pytest.fixture(autouse=True)
def _clean_redis_keys():
    """Rate-limit counters and flags of one test must not leak into the next."""
    yield
    import redis

    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        keys = list(client.scan_iter(match=REDIS_KEY_PREFIX + "*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass


@pytest.fixture(autouse=True)
def _redis_keys_of_this_test(request):
    """The suite's app writes this test's Redis keys (kv, the redirect's counters, stream and
    shared cache) under a prefix of its own, inside the run's: nothing one test leaves in
    Redis is seen by another, whatever order they run in."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    before = application.config["REDIS_KEY_PREFIX"]
    application.config["REDIS_KEY_PREFIX"] = f"{REDIS_KEY_PREFIX}{uuid.uuid4().hex[:8]}:"
    try:
        yield
    finally:
        application.config["REDIS_KEY_PREFIX"] = before


@pytest.fixture(autouse=True)
def _fresh_redirect_state(request):
    """The redirect's per-process state (breakers, target cache, spool, the shared cache's
    client and its key prefix) starts fresh."""
    yield
    if "app" in request.fixturenames:
        import shutil

        application = request.getfixturevalue("app")
        state = application.extensions.pop("advocacy_tracking", None)
        application.extensions.pop("advocacy_tracking_drain", None)
        application.extensions.pop("advocacy_tracking_shared", None)
        if state is not None:
            shutil.rmtree(state.spool.directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_import_left_behind(request):
    """A started people import is a file in the instance folder, named by the curator's id:
    it outlives the rolled-back rows, and on SQLite the next test's curator gets the same id
    back, so it would see (and could finish) an import another test left unfinished."""
    yield
    if "app" in request.fixturenames:
        import shutil

        application = request.getfixturevalue("app")
        shutil.rmtree(Path(application.config["INSTANCE_DIR"]) / "imports", ignore_errors=True)


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""

    def _login(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return client

    return _login


@pytest.fixture
def org(db_session):
    """Two sibling units with a sub-unit, five ambassadors each, one leader each (the leaders'
    tests in tests/endorsements and their corps-health pages in tests/insights)."""
    from advocacy.programme.service import get_programme
    from tests import factories as f

    get_programme().min_group_size = 5
    health = f.unit("Health")
    ward = f.unit("Ward 7", parent=health)
    schools = f.unit("Schools")
    people = {
        "health": [f.user(unit=ward, name=f"Nurse {i}") for i in range(5)],
        "schools": [f.user(unit=schools, name=f"Teacher {i}") for i in range(5)],
    }
    return {
        "health": health, "ward": ward, "schools": schools, "people": people,
        "health_leader": f.user("ambassador", "leader", unit=health, name="Hanna Leader"),
        "schools_leader": f.user("ambassador", "leader", unit=schools, name="Sigurd Leader"),
    }


# --- mail and chat sinks for the reminders (reminders, takeovers, accounts tests) ---------

@pytest.fixture(scope="module")
def sink():
    from tests.sinks import ReminderSmtpSink  # it imports tests.worker.conftest, which imports us

    server = ReminderSmtpSink().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hook():
    from tests.sinks import HttpSink

    server = HttpSink().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(sink, app, monkeypatch):
    sink.clear()
    sink.refuse.clear()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    return sink
