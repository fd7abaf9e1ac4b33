"""Plain SMTP sending until advocacy/mail.py lands on main (then this delegates to it)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage


def smtp_sender(config: dict):
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
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)

    return send
