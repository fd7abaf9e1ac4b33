"""A real worker process, real Redis, a committed database and a real SMTP server."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from advocacy import tasknames
from advocacy.accounts import service as accounts
from advocacy.extensions import db
from advocacy.jobs import enqueue
from tests.conftest import PASSWORD

WELCOME = tasknames.SEND_WELCOME


def create_person(app, email: str, *roles: str, locale: str = "en", password=None) -> int:
    with app.app_context():
        person = accounts.create_user(
            email=email, name=email.split("@")[0].title(), password=password, locale=locale,
            roles=roles or ("ambassador",),
        )
        db.session.commit()
        return person.id


def test_admin_adds_a_person_and_the_worker_sends_the_welcome(
    live_app, celery_worker, smtp_sink, worker_redis
):
    create_person(live_app, "admin@example.org", "admin", password=PASSWORD)
    client = live_app.test_client()
    login = client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert login.status_code == 302
    response = client.post("/admin/users/new", data={
        "email": "kari@example.org", "name": "Kari Nordmann", "title": "sykepleier",
        "unit_id": 0, "locale": "nb", "roles": ["ambassador"], "password": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    message = smtp_sink.wait_for("kari@example.org")
    assert message is not None, f"no e-mail arrived; worker log:\n{celery_worker.log()}"

    with live_app.app_context(), force_locale("nb"):
        expected_subject = _("Welcome to %(programme)s", programme=_("our ambassador programme"))
    assert message["Subject"] == expected_subject
    (recipient,) = message["To"].addresses
    assert (recipient.display_name, recipient.addr_spec) == ("Kari Nordmann", "kari@example.org")
    assert smtp_sink.envelopes[-1] == ("advocacy@example.org", ["kari@example.org"])
    assert message["Content-Language"] == "nb"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kari Nordmann" in text and "http://localhost/login" in text
    assert '<html lang="nb">' in html and 'href="http://localhost/login"' in html
    assert smtp_sink.to("admin@example.org") == []
    assert tasknames.SEND_WELCOME in celery_worker.log()


def test_a_job_rolled_back_with_its_transaction_never_runs(
    live_app, celery_worker, smtp_sink, worker_redis
):
    ola = create_person(live_app, "ola@example.org")
    with live_app.app_context():
        enqueue(WELCOME, ola)
        db.session.rollback()
        per = accounts.create_user(email="per@example.org", name="Per", locale="en")
        enqueue(WELCOME, per.id)
        db.session.commit()

    assert smtp_sink.wait_for("per@example.org") is not None, celery_worker.log()
    # One solo worker takes jobs in order: Ola's, had it been sent, would have run first.
    assert smtp_sink.to("ola@example.org") == []
    assert worker_redis.llen("celery") == 0
