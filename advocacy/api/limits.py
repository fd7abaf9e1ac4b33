"""Rate limits per API token (Flask-Limiter), kept apart from any limiter of the web pages.

A Limiter of our own, created per app: it applies one limit to the API blueprint only and
ignores the app-wide RATELIMIT_DEFAULT / RATELIMIT_APPLICATION settings, so that a limiter
for the login pages in advocacy/extensions.py and this one do not count each other's hits.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from flask_limiter import Limiter

DEFAULT_RATE = "300 per minute"


def token_key() -> str:
    """The presented token (hashed: keys in Redis must not hold secrets), else the address.

    The limiter runs before authentication, so it keys on what the client sent; a valid
    token always maps to the same key."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "unknown")


def init_app(app: Flask, blueprint) -> Limiter:
    limiter = Limiter(
        token_key,
        storage_uri=app.config.get("API_RATELIMIT_STORAGE_URI") or app.config["REDIS_URL"],
        key_prefix=app.config.get("REDIS_KEY_PREFIX", "advocacy:") + "api-limit",
        strategy="moving-window",
        headers_enabled=True,
        # Redis away: count in memory rather than refuse every API call.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        default_limits_exempt_when=lambda: True,
        application_limits_exempt_when=lambda: True,
    )
    limiter.init_app(app)
    limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE),
                  key_func=token_key)(blueprint)
    app.extensions["api_limiter"] = limiter
    return limiter
