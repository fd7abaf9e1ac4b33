"""Login throttling: failures counted per e-mail address and per client address in Redis."""

from __future__ import annotations

from flask import current_app

from advocacy import kv


def locked_for(email: str, address: str) -> int:
    """Seconds left of a lockout, 0 if none (also 0 when Redis is down: fail open, logged)."""
    config = current_app.config
    waits = []
    if kv.count("login-email", email) >= config["LOGIN_MAX_FAILURES_PER_EMAIL"]:
        waits.append(kv.ttl("login-email", email) or config["LOGIN_LOCKOUT_SECONDS"])
    if address and kv.count("login-addr", address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        waits.append(kv.ttl("login-addr", address) or config["LOGIN_LOCKOUT_SECONDS"])
    return max(waits, default=0)


def failed(email: str, address: str) -> None:
    window = current_app.config["LOGIN_LOCKOUT_SECONDS"]
    kv.hit("login-email", email, window)
    if address:
        kv.hit("login-addr", address, window)


def succeeded(email: str) -> None:
    kv.reset("login-email", email)
