"""E-mail: every message is rendered, built and sent here.

Each e-mail is a directory templates/emails/<name>/ with subject.txt, body.txt and
body.html, rendered in the recipient's language (`render`); the message carries both bodies
(multipart/alternative) so that any mail program shows something readable. Two builders over
the same rendering and the same standard headers: `build_message` (an EmailMessage, for the
one-off mails: welcome, lock-out notice) and `build_bulk_message` (the compat32 classes, for
the reminder fan-out: the same message without parsing every header through the header
registry, which was a third of the cost of a reminder in bench/reminders.py). One SMTP
client, `Connection` (one connection for many messages, STARTTLS and login when
configured); `deliver` sends one message on a connection of its own. Sending happens in the
worker (worker/), never inside a web request. Which person and what they are told is read
by the feature that sends the mail (accounts/mailer.py, privacy/mailer.py,
reminders/delivery.py); this module reads no feature's tables (docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from werkzeug.routing import MapAdapter

from advocacy.db import utcnow

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30
# Headers up to RFC 5322's 998 characters stay on one line (e.g. a long unsubscribe link).
UNFOLDED = compat32.clone(max_line_length=998)


def public_urls() -> MapAdapter:
    """Builds absolute links for e-mails (bind once, build many: see public_url)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail: there is no request to take the host from."""
    return public_urls().build(endpoint, values, force_external=True)


def stable_message_id(dedupe_key: str, sender: str) -> str:
    """A Message-ID that is the same every time this message is sent (RFC 5322 section 3.6.4).

    A resend after a crash then is the same message, which mail programs show once. The
    domain is MAIL_FROM's; the left part is a hash, so it reveals nothing about the key.
    """
    domain = (sender.rpartition("@")[2].strip(" >") if "@" in sender else "") or "localhost"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def render(name: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """(subject, text, html) of e-mail `name` in `locale`."""
    with force_locale(locale):
        subject = render_template(f"emails/{name}/subject.txt", locale=locale, **context)
        text = render_template(f"emails/{name}/body.txt", locale=locale, **context)
        html = render_template(f"emails/{name}/body.html", locale=locale, **context)
    # One line only: a newline in a header would start a new header.
    return " ".join(subject.split()), text.strip() + "\n", html


def _standard_headers(message: Message, *, message_id: str | None) -> None:
    sender = current_app.config["MAIL_FROM"]
    message["From"] = sender
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"


def build_message(
    name: str, *, to_name: str, to_email: str, locale: str, message_id: str | None = None,
    **context: Any,
) -> EmailMessage:
    """A multipart/alternative message (plain text first, HTML preferred) ready to send."""
    subject, text, html = render(name, locale, **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = Address(display_name=to_name, addr_spec=to_email)
    _standard_headers(message, message_id=message_id)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the bodies: set_content() clears every Content-* header.
    message["Content-Language"] = locale
    return message


def build_bulk_message(
    name: str, *, to_name: str, to_email: str, locale: str, message_id: str | None = None,
    headers: dict[str, str] | None = None, **context: Any,
) -> Message:
    """The same message as build_message, built with the (faster) compat32 classes."""
    subject, text, html = render(name, locale, **context)
    message = MIMEMultipart("alternative", policy=UNFOLDED)
    # compat32 encodes a Header's words itself; typeshed's header values are str only.
    message["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]
    message["To"] = formataddr((to_name, to_email), charset="utf-8")
    _standard_headers(message, message_id=message_id)
    message["Content-Language"] = locale
    for header, value in (headers or {}).items():
        message[header] = value
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message


class Connection:
    """One SMTP connection to MAIL_SERVER:MAIL_PORT for many messages, opened on first use.

    After any error it is closed (and the error raised as it came), so the next message
    opens a new one; `is_temporary` tells whether trying again later may help."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: Message) -> None:
        config = current_app.config
        try:
            if self.smtp is None:
                self.smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                                         timeout=SMTP_TIMEOUT)
                if config.get("MAIL_USE_TLS"):
                    self.smtp.starttls(context=ssl.create_default_context())
                if config.get("MAIL_USERNAME"):
                    self.smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            self.smtp.send_message(message)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:  # noqa: BLE001 - closing a broken connection
                self.smtp.close()
            self.smtp = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def deliver(message: Message) -> None:
    """Hand one message to the mail server on a connection of its own."""
    with Connection() as connection:
        connection.send(message)


def send_to_user(user: Any, name: str, **context: Any) -> bool:
    """Send e-mail `name` to a person (an accounts User) in their language; False when there
    is nobody to reach. The mails of one feature are built there (accounts/mailer.py, …)."""
    if not user.email or not user.active:
        log.info("%s e-mail not sent to user %s: no e-mail address or not active", name, user.id)
        return False
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    message = build_message(
        name, to_name=user.name, to_email=user.email, locale=locale, user=user, **context
    )
    deliver(message)
    log.info("%s e-mail sent to user %s", name, user.id)
    return True


def is_temporary(exc: BaseException) -> bool:
    """Worth trying again later: the server was unreachable or answered 4xx."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out, name not resolved
