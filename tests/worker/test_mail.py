"""E-mail rendering: the recipient's language, both bodies, safe headers and links."""

from __future__ import annotations

import logging
import smtplib

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from advocacy import mail
from advocacy.accounts.models import User
from advocacy.extensions import babel
from tests.conftest import make_app

# Small catalogues of our own, so the test does not depend on the state of the real ones.
CATALOGUES = {
    "nb": {
        "Welcome to %(programme)s": "Velkommen til %(programme)s",
        "Hello %(name)s,": "Hei %(name)s,",
        "Log in": "Logg inn",
        "Log in here:": "Logg inn her:",
    },
    "da": {
        "Welcome to %(programme)s": "Velkommen til %(programme)s",
        "Hello %(name)s,": "Hej %(name)s,",
        "Log in": "Log ind",
        "Log in here:": "Log ind her:",
    },
}


@pytest.fixture
def mail_app(tmp_path, monkeypatch):
    for locale, messages in CATALOGUES.items():
        catalog = Catalog(locale=locale)
        for msgid, msgstr in messages.items():
            catalog.add(msgid, msgstr)
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    app = make_app(
        "sqlite://",
        BABEL_TRANSLATION_DIRECTORIES=str(tmp_path),
        PUBLIC_BASE_URL="https://advocacy.example.org/app",
        MAIL_FROM="ambassador@example.org",
    )
    with app.app_context():
        # Flask-Babel caches catalogues per locale across apps: use a cache of our own.
        monkeypatch.setattr(babel.domain_instance, "cache", {})
        yield app


def welcome(locale: str, name: str = "Kari Nordmann", **overrides):
    person = User(id=42, email="kari@example.org", name=name, locale=locale, active=True)
    context = {
        "user": person,
        "programme_name": "Helse Vest",
        "purpose": "Vi deler for å rekruttere.",
        "login_url": mail.public_url("accounts.login"),
        "guidelines_url": mail.public_url("programme.guidelines"),
        "has_password": False,
    }
    context.update(overrides)
    return mail.build_message(
        "welcome", to_name=person.name, to_email=person.email, locale=locale, **context
    )


def bodies(message):
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


@pytest.mark.parametrize(
    ("locale", "subject", "greeting", "button"),
    [
        ("nb", "Velkommen til Helse Vest", "Hei Kari Nordmann,", "Logg inn"),
        ("da", "Velkommen til Helse Vest", "Hej Kari Nordmann,", "Log ind"),
        ("en", "Welcome to Helse Vest", "Hello Kari Nordmann,", "Log in"),
    ],
)
def test_welcome_is_written_in_the_recipients_language(mail_app, locale, subject, greeting,
                                                        button):
    message = welcome(locale)
    text, html = bodies(message)
    assert message["Subject"] == subject
    assert message["Content-Language"] == locale
    assert message.get_content_type() == "multipart/alternative"
    assert greeting in text and greeting in html
    assert f'<html lang="{locale}">' in html
    assert f">{button}</a>" in html
    assert "https://advocacy.example.org/app/login" in text
    assert 'href="https://advocacy.example.org/app/login"' in html


def test_language_is_forced_only_while_rendering(mail_app):
    from flask_babel import get_locale

    welcome("da")
    assert str(get_locale()) == mail_app.config["BABEL_DEFAULT_LOCALE"]


def test_headers_name_the_recipient_and_sender(mail_app):
    message = welcome("nb")
    (address,) = message["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Kari Nordmann", "kari@example.org")
    assert message["From"] == "ambassador@example.org"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Date"]


def test_html_body_escapes_names_and_the_text_body_keeps_them(mail_app):
    message = welcome("en", name="Ola <script>alert(1)</script> & co")
    text, html = bodies(message)
    assert "Hello Ola <script>alert(1)</script> & co," in text
    assert "<script>" not in html
    assert "Ola &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_subject_cannot_smuggle_a_header(mail_app):
    message = welcome("en", programme_name="Helse\nBcc: everyone@example.org")
    assert message["Subject"] == "Welcome to Helse Bcc: everyone@example.org"
    assert message["Bcc"] is None


def test_missing_password_is_explained(mail_app):
    text, _ = bodies(welcome("en", has_password=False))
    assert "You do not have a password yet" in text
    text, _ = bodies(welcome("en", has_password=True))
    assert "You do not have a password yet" not in text


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": 7, "email": "", "name": "No Mail", "active": True}, "no e-mail"),
        ({"id": 8, "email": "gone@example.org", "name": "Gone", "active": False}, "inactive"),
    ],
)
def test_people_without_address_or_inactive_are_skipped_with_a_log_line(
    mail_app, monkeypatch, caplog, fields, reason
):
    person = User(**fields)
    monkeypatch.setattr(mail, "deliver", lambda message: pytest.fail("must not send"))
    with caplog.at_level(logging.INFO, logger="advocacy.mail"):
        assert mail.send_to_user(person, "welcome") is False, reason
    assert f"welcome e-mail not sent to user {person.id}" in caplog.text


@pytest.mark.parametrize(
    ("exc", "temporary"),
    [
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (smtplib.SMTPServerDisconnected("bye"), True),
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPResponseException(550, b"no such user"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), False),
        (ValueError("template bug"), False),
    ],
)
def test_only_temporary_failures_are_retried(exc, temporary):
    assert mail.is_temporary(exc) is temporary


def test_a_reminders_message_id_comes_from_its_dedupe_key():
    import re

    key = "reminder:7:digest:digest:2026-11-23:email"
    first = mail.stable_message_id(key, "Ambassadør <ambassador@kommune.example.no>")
    assert re.fullmatch(r"<[0-9a-f]{32}@kommune\.example\.no>", first)
    assert mail.stable_message_id(key, "ambassador@kommune.example.no") == first  # resends
    assert mail.stable_message_id(key.replace("7", "8"), "a@kommune.example.no") != first
    assert "digest" not in first  # a hash, not the key
    assert mail.stable_message_id(key, "no-domain") == first.split("@")[0] + "@localhost>"


def test_the_lockout_notice_names_the_address_and_the_pause(mail_app):
    person = User(id=42, email="kari@example.org", name="Kari", locale="en", active=True)
    message = mail.build_message(
        "login_locked", to_name=person.name, to_email=person.email, locale="en", user=person,
        when="2 Dec 2026, 02:10", address="192.0.2.7", minutes=15, failures=5,
        login_url=mail.public_url("accounts.login"))
    text, html = bodies(message)
    for body in (text, html):
        assert "192.0.2.7" in body and "15 minutes" in body and "5 times" in body
    assert "https://advocacy.example.org/app/login" in text


def test_both_builders_make_the_same_message(mail_app):
    """One mail module: the bulk (compat32) builder gives what build_message gives."""
    from email import message_from_bytes
    from email.policy import default

    person = User(id=42, email="kari@example.org", name="Kari Nordmann", locale="da",
                  active=True)
    context = {"user": person, "when": "2 Dec 2026, 02:10", "address": "192.0.2.7",
               "minutes": 15, "failures": 5, "login_url": mail.public_url("accounts.login")}
    one = mail.build_message("login_locked", to_name=person.name, to_email=person.email,
                             locale="da", message_id="<fixed@example.org>", **context)
    bulk = mail.build_bulk_message("login_locked", to_name=person.name, to_email=person.email,
                                   locale="da", message_id="<fixed@example.org>",
                                   headers={"X-Extra": "yes"}, **context)
    a, b = (message_from_bytes(m.as_bytes(), policy=default) for m in (one, bulk))
    for header in ("Subject", "From", "To", "Message-ID", "Auto-Submitted", "Content-Language"):
        assert str(a[header]) == str(b[header]), header
    assert b["X-Extra"] == "yes" and a["X-Extra"] is None
    assert [body.strip() for body in bodies(a)] == [body.strip() for body in bodies(b)]
