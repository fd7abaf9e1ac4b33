"""Login throttling with the `limits` library (Flask-Limiter's storage) on REDIS_URL.

Failures are counted per account *and* client address together, so a stranger who types a
colleague's e-mail address five times locks only themselves out, plus a looser limit per
client address alone against password spraying across accounts. The fifth failure sets a
lock of its own (one key per lock-out), which is what the owner's warning e-mail hangs on.

Unlike the public redirect's limits, login fails CLOSED: when the storage cannot be reached,
`Unavailable` is raised and the view refuses to log anyone in.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.strategies import FixedWindowRateLimiter

from advocacy.extensions import limiter

log = logging.getLogger(__name__)

_EXTENSION = "advocacy.login_throttle"


class Unavailable(RuntimeError):
    """The limiter's storage cannot be reached: logging in is refused (fail closed)."""


@dataclass(frozen=True)
class Failure:
    """What one wrong password did: whether it started a lock-out, and for which scope."""

    locked: bool
    account_locked: bool


def _limiter() -> FixedWindowRateLimiter:
    """Fixed windows on the app's Flask-Limiter storage, whatever strategy the app configured."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    existing = app.extensions.get(_EXTENSION)
    if existing is None:
        existing = FixedWindowRateLimiter(limiter.storage)
        app.extensions[_EXTENSION] = existing
    return existing


def _digest(*parts: str) -> str:
    """Keys carry a hash, never an e-mail address or client address in the clear."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _items() -> tuple[RateLimitItemPerSecond, RateLimitItemPerSecond, RateLimitItemPerSecond]:
    config = current_app.config
    window = int(config["LOGIN_LOCKOUT_SECONDS"])
    return (
        RateLimitItemPerSecond(int(config["LOGIN_MAX_FAILURES_PER_EMAIL"]), window),
        RateLimitItemPerSecond(int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]), window),
        RateLimitItemPerSecond(1, window),  # a lock: present (1 of 1 used) while it lasts
    )


def _scopes(email: str, address: str) -> tuple[str, str]:
    return _digest("account+address", email, address), _digest("address", address)


def locked_for(email: str, address: str) -> int:
    """Seconds left of a lock-out for this account from this address (0 if none)."""
    _per_pair, _per_address, lock = _items()
    limiter = _limiter()
    waits = []
    try:
        for scope in _scopes(email, address):
            if not limiter.test(lock, "login-lock", scope):
                stats = limiter.get_window_stats(lock, "login-lock", scope)
                waits.append(max(1, int(stats.reset_time - time.time())))
    except StorageError as exc:
        log.error("login refused: rate limiter storage unavailable: %s", exc)
        raise Unavailable(str(exc)) from exc
    return max(waits, default=0)


def failed(email: str, address: str) -> Failure:
    """Count a wrong password; lock the pair (or the address) when its limit is reached."""
    per_pair, per_address, lock = _items()
    limiter = _limiter()
    pair_scope, address_scope = _scopes(email, address)
    try:
        pair_ok = limiter.hit(per_pair, "login-fail", pair_scope)
        address_ok = limiter.hit(per_address, "login-fail", address_scope)
        # hit() is False once the window is full; the lock's own hit() is True only for the
        # request that creates it, so concurrent failures start one lock-out, not several.
        pair_locked = not pair_ok or not limiter.test(per_pair, "login-fail", pair_scope)
        address_locked = not address_ok or not limiter.test(
            per_address, "login-fail", address_scope)
        new_pair_lock = pair_locked and limiter.hit(lock, "login-lock", pair_scope)
        new_address_lock = address_locked and limiter.hit(lock, "login-lock", address_scope)
    except StorageError as exc:
        log.error("login refused: rate limiter storage unavailable: %s", exc)
        raise Unavailable(str(exc)) from exc
    return Failure(locked=bool(new_pair_lock or new_address_lock),
                   account_locked=bool(new_pair_lock))


def succeeded(email: str, address: str) -> None:
    """A right password forgets this pair's failures (the address limit keeps counting)."""
    per_pair, _per_address, _lock = _items()
    try:
        _limiter().clear(per_pair, "login-fail", _scopes(email, address)[0])
    except StorageError as exc:
        raise Unavailable(str(exc)) from exc


def link_requested(email: str, address: str) -> bool:
    """Count a request for a login link by e-mail; False when it must be refused.

    The same storage, windows and limits as wrong passwords (LOGIN_MAX_FAILURES_PER_EMAIL
    per account and address, LOGIN_MAX_FAILURES_PER_ADDRESS per address, within
    LOGIN_LOCKOUT_SECONDS), counted apart so asking for links never locks the password form;
    a login lock-out refuses links too. Keyed on the typed address, never on whether an
    account has it, so the answer reveals nothing. Fails closed like login (`Unavailable`).
    """
    if locked_for(email, address):
        return False
    per_pair, per_address, _lock = _items()
    limiter = _limiter()
    pair_scope, address_scope = _scopes(email, address)
    try:
        return bool(limiter.hit(per_pair, "login-link", pair_scope)
                    and limiter.hit(per_address, "login-link", address_scope))
    except StorageError as exc:
        log.error("login link refused: rate limiter storage unavailable: %s", exc)
        raise Unavailable(str(exc)) from exc
