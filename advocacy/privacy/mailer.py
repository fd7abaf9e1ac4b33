"""Plain SMTP for privacy notices until advocacy/mail.py lands on main."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale

from advocacy.privacy.service import Sender


def smtp_sender(config) -> Sender:
    def send(to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)

    return send


def render_notice(notice, person) -> tuple[str, str]:
    """Subject and body in the person's own language."""
    from flask import current_app

    locale = person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = render_template("emails/privacy_notice/subject.txt", notice=notice,
                                  person=person).strip()
        body = render_template("emails/privacy_notice/body.txt", notice=notice, person=person,
                               base_url=current_app.config["PUBLIC_BASE_URL"])
    return subject, body
