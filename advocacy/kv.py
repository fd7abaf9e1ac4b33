"""Redis for counters, short-lived flags and the pending-click buffer; every caller fails open."""

from __future__ import annotations

import hashlib
import logging

import redis
from flask import current_app

log = logging.getLogger(__name__)


def client() -> redis.Redis:
    """One client per app (a connection pool); short timeouts so a dead Redis costs little."""
    app = current_app._get_current_object()
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
    """Count one event in a fixed window; None when Redis cannot be reached (fail open)."""
    k = key("rl", name, digest(ident))
    try:
        pipe = client().pipeline()
        pipe.incr(k)
        pipe.expire(k, window, nx=True)
        count, _ = pipe.execute()
        return int(count)
    except redis.RedisError as exc:
        log.warning("rate limit %s not checked, Redis unavailable: %s", name, exc)
        return None


def count(name: str, ident: str) -> int:
    try:
        value = client().get(key("rl", name, digest(ident)))
    except redis.RedisError as exc:
        log.warning("rate limit %s not read, Redis unavailable: %s", name, exc)
        return 0
    return int(value or 0)


def ttl(name: str, ident: str) -> int:
    try:
        return max(0, int(client().ttl(key("rl", name, digest(ident)))))
    except redis.RedisError:
        return 0


def reset(name: str, ident: str) -> None:
    try:
        client().delete(key("rl", name, digest(ident)))
    except redis.RedisError as exc:
        log.warning("rate limit %s not reset, Redis unavailable: %s", name, exc)
