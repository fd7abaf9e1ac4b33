"""Per-integration API tokens: created by an admin, shown once, stored as a sha256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.api.models import ApiToken
from advocacy.audit.service import record as audit
from advocacy.extensions import db

PREFIX = "adv_"
# What a token may do. Each endpoint names the one scope it needs.
SCOPES: dict[str, object] = {
    "units:read": _l("Read units"),
    "people:read": _l("Read people (name, e-mail, unit, roles)"),
    "posts:read": _l("Read posts"),
    "posts:write": _l("Create draft posts"),
    "stats:read": _l("Read shares and clicks (aggregated)"),
    "applications:write": _l("Report applications and their outcomes"),
    "feeds:read": _l("Read job feeds"),
    "insights:read": _l("Read corps-health figures (aggregated)"),
}
MAX_DAYS = 730
NAME_MAX = 100


class TokenError(ValueError):
    """Bad token form input: field -> message."""

    def __init__(self, errors: dict[str, object]):
        super().__init__(errors)
        self.errors = errors


def digest(secret: str) -> str:
    """The secret has 256 random bits, so one sha256 is enough (no password stretching)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, name: str, scopes: list[str], days: int | None, user, now: datetime,
                 ) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned once and never stored."""
    errors: dict[str, object] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _l("Give the integration a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _l("Use at most %(n)d characters.", n=NAME_MAX)
    chosen = sorted(set(scopes or []))
    if not chosen:
        errors["scopes"] = _l("Choose at least one permission.")
    elif any(scope not in SCOPES for scope in chosen):
        errors["scopes"] = _l("Unknown permission.")
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["days"] = _l("Choose between 1 and %(n)d days.", n=MAX_DAYS)
    if errors:
        raise TokenError(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, prefix=secret[: len(PREFIX) + 6], token_hash=digest(secret), scopes=chosen,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit(user.id if user else None, "api_token.create", now=now, target_type="api_token",
          target_id=token.id, details={"scopes": chosen, "days": days})
    return token, secret


def revoke_token(token: ApiToken, *, user, now: datetime) -> ApiToken:
    """Revocation is immediate and final; the row stays so the audit trail makes sense."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
        audit(user.id if user else None, "api_token.revoke", now=now,
              target_type="api_token", target_id=token.id)
    return token


def find_active(secret: str, now: datetime) -> tuple[ApiToken | None, str]:
    """The token for a presented secret, and why not: "unknown", "revoked" or "expired"."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None, "unknown"
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        return None, "unknown"
    status = token.status(now)
    if status != "active":
        return None, status
    return token, status


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(),
                                                             ApiToken.id.desc())))
