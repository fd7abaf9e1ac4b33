"""One-time login links by e-mail, for a forgotten password.

A link carries a random token (256 bits); Redis keeps only its hash, with the person's id,
for LOGIN_LINK_SECONDS (30 minutes). Using it deletes it in the same command (GETDEL), so a
link works once even when two tabs race. The link opens a page with a button: mail scanners
that fetch links do not use it up. Without Redis no link is made or used (fail closed).
"""

from __future__ import annotations

import logging
import secrets
from typing import cast

import redis
from flask import current_app

from advocacy import kv

log = logging.getLogger(__name__)


class Unavailable(RuntimeError):
    """Redis cannot be reached: no link is made or accepted."""


def _key(token: str) -> str:
    return kv.key("login-link", kv.digest(token))


def create(user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    try:
        kv.client().set(_key(token), str(user_id),
                        ex=int(current_app.config["LOGIN_LINK_SECONDS"]))
    except redis.RedisError as exc:
        raise Unavailable(str(exc)) from exc
    return token


def exists(token: str) -> bool:
    if not token or len(token) > 100:
        return False
    try:
        return bool(kv.client().exists(_key(token)))
    except redis.RedisError as exc:
        raise Unavailable(str(exc)) from exc


def use(token: str) -> int | None:
    """The person's id, once: the token is gone afterwards (None: unknown, used, expired)."""
    if not token or len(token) > 100:
        return None
    try:
        # redis-py types a reply as `Awaitable | reply`; the sync client's is the reply
        value = cast(bytes | None, kv.client().getdel(_key(token)))
    except redis.RedisError as exc:
        raise Unavailable(str(exc)) from exc
    return int(value) if value else None
