"""The accounts' own e-mails: welcome, login link, lock-out notice (sent by worker/tasks.py).

Built here, where the person and the programme are read; advocacy.mail renders and sends
them and reads no feature's tables (docs/architecture.md, Layers)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.formats import datetimeformat
from advocacy.mail import public_url, send_to_user
from advocacy.programme.models import Programme
from advocacy.programme.service import DEFAULT_PURPOSE

log = logging.getLogger("advocacy.mail")  # the logger these mails always had


def send_welcome(user_id: int) -> bool:
    """The first e-mail a person gets: what the programme is and where to log in."""
    user = db.session.get(User, user_id)
    if user is None:
        log.info("welcome e-mail not sent: user %s no longer exists", user_id)
        return False
    # Read only: a mail task must not be the one to create the programme row.
    programme = db.session.get(Programme, 1)
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        programme_name = (programme and programme.name) or _("our ambassador programme")
        purpose = programme.purpose if programme else str(DEFAULT_PURPOSE)
    return send_to_user(
        user,
        "welcome",
        programme_name=programme_name,
        purpose=purpose,
        login_url=public_url("accounts.login"),
        guidelines_url=public_url("programme.guidelines"),
        has_password=bool(user.password_hash),
    )


def send_lockout_notice(user_id: int, address: str, at_iso: str) -> bool:
    """Tell the owner that wrong passwords paused logging in to their account from an address."""
    user = db.session.get(User, user_id)
    if user is None:
        log.info("lock-out e-mail not sent: user %s no longer exists", user_id)
        return False
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):  # the organisation's time zone, no seconds
        when = datetimeformat(datetime.fromisoformat(at_iso))
    minutes = max(1, current_app.config["LOGIN_LOCKOUT_SECONDS"] // 60)
    return send_to_user(
        user, "login_locked", when=when, address=address or "?", minutes=minutes,
        failures=current_app.config["LOGIN_MAX_FAILURES_PER_EMAIL"],
        login_url=public_url("accounts.login"),
    )


def send_login_link(user_id: int, token: str) -> bool:
    """The one-time login link a person asked for (accounts.login_links)."""
    user = db.session.get(User, user_id)
    if user is None:
        log.info("login-link e-mail not sent: user %s no longer exists", user_id)
        return False
    return send_to_user(
        user, "login_link", link_url=public_url("accounts.login_link", token=token),
        minutes=max(1, current_app.config["LOGIN_LINK_SECONDS"] // 60),
    )
