"""Login throttling: lockout per e-mail and per client address, a clear message, fail open."""

import pytest

from tests import factories as f
from tests.conftest import PASSWORD


@pytest.fixture
def limits(app):
    saved = {k: app.config[k] for k in ("LOGIN_MAX_FAILURES_PER_EMAIL",
                                        "LOGIN_MAX_FAILURES_PER_ADDRESS", "REDIS_URL")}
    yield app.config
    app.config.update(saved)
    app.extensions.pop("advocacy_redis", None)


def fail(client, email, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": "wrong password!!"},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_address_even_for_the_right_password(client, db_session, limits):
    person = f.user()
    for _ in range(5):
        assert fail(client, person.email).status_code == 400
    response = client.post("/login", data={"email": person.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed attempts" in page and "15 minutes" in page
    # another e-mail address from elsewhere is not affected
    other = f.user()
    ok = client.post("/login", data={"email": other.email, "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert ok.status_code == 302


def test_lockout_is_keyed_on_the_normalised_email(client, db_session, limits):
    person = f.user(email="kari.nordmann@example.org")
    for variant in ("Kari.Nordmann@example.org", " kari.nordmann@EXAMPLE.org",
                    "KARI.NORDMANN@example.org", "kari.nordmann@example.org",
                    "Kari.nordmann@example.org"):
        fail(client, variant, address=f"198.51.100.{len(variant)}")
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 429


def test_many_failures_from_one_address_lock_that_address(client, db_session, limits):
    limits["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    person = f.user()
    for n in range(3):
        fail(client, f"nobody{n}@example.org", address="203.0.113.50")
    locked = client.post("/login", data={"email": person.email, "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert locked.status_code == 429
    elsewhere = client.post("/login", data={"email": person.email, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "203.0.113.51"})
    assert elsewhere.status_code == 302


def test_success_resets_the_email_counter(client, db_session, limits):
    person = f.user()
    for _ in range(4):
        fail(client, person.email)
    assert client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code \
        == 302
    client.post("/logout")
    for _ in range(4):
        assert fail(client, person.email).status_code == 400


def test_redis_down_fails_open(client, db_session, limits):
    limits["REDIS_URL"] = "redis://127.0.0.1:1/0"
    from flask import current_app

    current_app.extensions.pop("advocacy_redis", None)
    person = f.user()
    for _ in range(7):
        assert fail(client, person.email).status_code == 400
    assert client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code \
        == 302
