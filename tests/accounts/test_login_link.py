""""Forgot your password?": a one-time login link by e-mail (issue 14, item 9). The link
works once and for 30 minutes; the answer never tells whether an address has an account;
asking is throttled like the password form, on the same Redis storage."""

from __future__ import annotations

import re
import uuid

import redis

from advocacy import kv, tasknames
from advocacy.audit.models import AuditEntry
from advocacy.extensions import db
from tests import factories as f
from tests.accounts.test_login_throttle import queued
from tests.conftest import TEST_REDIS_URL
from tests.worker.conftest import SmtpSink

TASK = tasknames.SEND_LOGIN_LINK


def _ask(client, email, address="192.0.2.10"):
    return client.post("/login/link", data={"email": email},
                       environ_base={"REMOTE_ADDR": address})


def test_the_login_page_offers_the_link(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/link"' in page


def test_a_link_is_mailed_works_once_and_says_nothing_about_unknown_addresses(
    app, client, db_session, monkeypatch
):
    person = f.user(locale="nb", email=f"glemsk-{uuid.uuid4().hex[:6]}@example.org")
    db.session.commit()
    before = queued(TEST_REDIS_URL, TASK)
    known = _ask(client, person.email.upper())
    unknown = _ask(client, "nobody-here@example.org")
    assert known.status_code == unknown.status_code == 200
    text = known.get_data(as_text=True)
    assert 'id="link-sent"' in text and 'id="link-sent"' in unknown.get_data(as_text=True)
    # the same sentence for both but the typed address
    assert (text.replace(person.email.upper(), "X").split('id="link-sent"')[1].split("</p>")[0]
            == unknown.get_data(as_text=True).replace("nobody-here@example.org", "X")
            .split('id="link-sent"')[1].split("</p>")[0])
    jobs = [args for args in queued(TEST_REDIS_URL, TASK) if args not in before]
    assert len(jobs) == 1 and jobs[0][0] == person.id  # nothing for the unknown address
    # Redis keeps only the token's hash, for 30 minutes
    token = jobs[0][1]
    store = redis.Redis.from_url(TEST_REDIS_URL)
    with app.app_context():
        key = kv.key("login-link", kv.digest(token))
    assert token not in str(store.keys("*login-link*"))
    assert 1790 <= store.ttl(key) <= 1800
    # the worker's task sends it through a real SMTP server, in the person's language
    from worker import tasks

    sink = SmtpSink().start()
    try:
        # the suite's app, for this test only: later tests must not mail a stopped sink
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
        with app.app_context():
            assert tasks.send_login_link(*jobs[0]) is True
        message = sink.wait_for(person.email, timeout=10)
    finally:
        sink.stop()
    body = message.get_body(("plain",)).get_content()
    assert message["Content-Language"] == "nb"
    path = re.search(r"https?://[^/\s]+(/login/link/[\w-]+)", body).group(1)
    # opening the link changes nothing (mail scanners); the button logs in once
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    used = client.post(path)
    assert used.status_code == 302 and used.headers["Location"].endswith("/settings")
    assert client.get("/settings").status_code == 200
    assert db.session.query(AuditEntry).filter_by(action="login.link",
                                                   actor_id=person.id).count() == 1
    client.post("/logout")
    again = client.post(path)
    assert again.status_code == 410 and 'id="link-invalid"' in again.get_data(as_text=True)
    assert client.get("/settings").status_code == 302  # not logged in


def test_an_expired_or_made_up_link_is_refused(app, client, db_session):
    person = f.user(email=f"utlopt-{uuid.uuid4().hex[:6]}@example.org")
    db.session.commit()
    from advocacy.accounts import login_links

    with app.app_context():
        token = login_links.create(person.id)
        redis.Redis.from_url(TEST_REDIS_URL).delete(kv.key("login-link", kv.digest(token)))
    assert client.post(f"/login/link/{token}").status_code == 410  # as after 30 minutes
    assert client.post("/login/link/made-up").status_code == 410
    assert client.get("/settings").status_code == 302


def test_asking_is_throttled_like_the_password_form_whoever_it_is(app, client, db_session):
    person = f.user(email=f"mange-{uuid.uuid4().hex[:6]}@example.org")
    db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    address = f"192.0.2.{uuid.uuid4().int % 200 + 20}"
    for email in (person.email, "nobody-else@example.org"):
        for _ in range(limit):
            assert _ask(client, email, address).status_code == 200
        refused = _ask(client, email, address)
        assert refused.status_code == 429  # the same for a known and an unknown address
    # asking for links never locks the password form
    response = client.post("/login", data={"email": person.email, "password": "pw"},
                           environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 400
