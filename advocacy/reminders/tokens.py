"""Signed links in reminders: one-click login (expiring, single use), unsubscribe, open pixel."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from advocacy.accounts.models import User
from advocacy.extensions import db
from advocacy.reminders.models import UsedToken

LOGIN_SALT = "advocacy.reminders.login"
UNSUBSCRIBE_SALT = "advocacy.reminders.unsubscribe"
OPEN_SALT = "advocacy.reminders.open"


class TokenProblem(ValueError):
    """The link cannot be used; `reason` says why (expired, used, tampered)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _fingerprint(user: User) -> str:
    """Changes when the password or session version changes, so old links stop working."""
    material = f"{user.id}:{user.session_version}:{user.password_hash or ''}:{user.email}"
    return hmac.new(_secret().encode(), material.encode(), hashlib.sha256).hexdigest()[:16]


class LoginLinks:
    """Signs the one-click login tokens of one person's message.

    A message carries a link per post plus one to the queue; each has its own single-use id,
    but the serializer (key derivation) and the person's fingerprint are worked out once.
    """

    def __init__(self, user: User, serializer: URLSafeTimedSerializer | None = None) -> None:
        self.serializer = serializer or login_serializer()
        self.user_id = user.id
        self.fingerprint = _fingerprint(user)

    def token(self, post_id: int | None) -> str:
        return self.serializer.dumps(
            {"u": self.user_id, "p": post_id, "j": secrets.token_hex(16), "f": self.fingerprint}
        )


def login_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(), salt=LOGIN_SALT)



@dataclass
class LoginGrant:
    user: User
    post_id: int | None


def redeem_login(token: str, now: datetime) -> LoginGrant:
    """Check a one-click login token and mark it used (flushes); TokenProblem if not usable."""
    try:
        data = login_serializer().loads(token, max_age=current_app.config["REMINDER_LOGIN_MAX_AGE"])
    except SignatureExpired:
        raise TokenProblem("expired") from None
    except BadSignature:
        raise TokenProblem("invalid") from None
    if not isinstance(data, dict) or not {"u", "p", "j", "f"} <= data.keys():
        raise TokenProblem("invalid")
    user = db.session.get(User, data["u"])
    if user is None or not user.active:
        raise TokenProblem("invalid")
    if not hmac.compare_digest(str(data["f"]), _fingerprint(user)):
        raise TokenProblem("invalid")
    jti = str(data["j"])[:32]
    try:
        with db.session.begin_nested():
            db.session.add(UsedToken(jti=jti, user_id=user.id, used_at=now))
    except IntegrityError:
        raise TokenProblem("used") from None
    post_id = data["p"] if isinstance(data["p"], int) else None
    return LoginGrant(user=user, post_id=post_id)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return URLSafeSerializer(_secret(), salt=UNSUBSCRIBE_SALT).dumps({"u": user_id, "k": kind})


def read_unsubscribe(token: str) -> tuple[int, str]:
    try:
        data = URLSafeSerializer(_secret(), salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise TokenProblem("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenProblem("invalid")
    return data["u"], str(data.get("k", ""))


def open_token(reminder_id: int) -> str:
    return URLSafeSerializer(_secret(), salt=OPEN_SALT).dumps(reminder_id)


def read_open(token: str) -> int | None:
    try:
        value = URLSafeSerializer(_secret(), salt=OPEN_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
