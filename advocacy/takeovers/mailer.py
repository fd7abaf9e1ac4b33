"""Sending a takeover reminder through advocacy.mail (same SMTP settings, TLS and login)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app

from advocacy import mail
from advocacy.db import utcnow


def smtp_sender():
    def send(to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["Subject"] = " ".join(subject.split())
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = to
        message["Date"] = format_datetime(utcnow())
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body)
        mail.deliver(message)

    return send
