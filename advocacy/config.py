"""Configuration: safe defaults for a laptop, overridden by the environment in production."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("ADVOCACY_INSTANCE", BASE_DIR / "instance"))
LANGUAGES = ("nb", "nn", "da", "en")
# Readers of either Norwegian written form read both (content targeting, see docs/i18n.md).
NORWEGIAN = frozenset({"nb", "nn"})


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY if given, else a random key kept in instance/ so sessions survive restarts."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'advocacy.db'}"


def load() -> dict:
    """Collect the configuration from the environment, falling back to the embedded defaults."""
    public_base_url = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Cookies travel only over TLS when the site is served over TLS.
    secure_cookies = _bool("SESSION_COOKIE_SECURE", public_base_url.startswith("https://"))
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "nb"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "ORG_TIMEZONE": os.environ.get("ORG_TIMEZONE", "Europe/Oslo"),
        "LANGUAGES": LANGUAGES,
        "PUBLIC_BASE_URL": public_base_url,
        # Number of proxies in front of us whose X-Forwarded-* headers we believe (0: none).
        "TRUSTED_PROXY": int(os.environ.get("TRUSTED_PROXY", "0") or 0),
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "advocacy:"),
        # Login throttling: failures per e-mail address and per client address in a window.
        "LOGIN_MAX_FAILURES_PER_EMAIL": int(os.environ.get("LOGIN_MAX_FAILURES_PER_EMAIL", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(
            os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "30")
        ),
        "LOGIN_LOCKOUT_SECONDS": int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900")),
        "LOGIN_LINK_SECONDS": int(os.environ.get("LOGIN_LINK_SECONDS", "1800")),  # 30 minutes
        # The public redirect: clicks per visitor (address + browser) per minute that are
        # counted; beyond that the visitor is still sent on. Only an abusive rate (default
        # 6,000 a minute = 100/s from one address and browser, far above any office's NAT)
        # gets 429; 0 switches the ceiling off. See docs/tracking.md.
        "REDIRECT_COUNTED_PER_MINUTE": int(os.environ.get("REDIRECT_COUNTED_PER_MINUTE", "10")),
        "REDIRECT_MAX_PER_MINUTE": int(os.environ.get("REDIRECT_MAX_PER_MINUTE", "6000")),
        # Clicks wait in a Redis stream (REDIS_URL unless TRACKING_REDIS_URL), or in a local
        # spool when Redis is away (docs/tracking.md).
        "TRACKING_REDIS_URL": os.environ.get("TRACKING_REDIS_URL") or None,
        "TRACKING_REDIS_TIMEOUT": float(os.environ.get("TRACKING_REDIS_TIMEOUT", "0.05")),
        "TRACKING_SPOOL_DIR": os.environ.get("TRACKING_SPOOL_DIR") or None,
        "TRACKING_CACHE_TTL": float(os.environ.get("TRACKING_CACHE_TTL", "60")),
        # The target cache shared by every web process in Redis (advocacy/tracking/
        # shared_cache.py): entries live a day; the warm job writes the newest shares'
        # targets at most every TRACKING_WARM_INTERVAL seconds.
        "TRACKING_SHARED_CACHE_TTL": int(os.environ.get("TRACKING_SHARED_CACHE_TTL", "86400")),
        "TRACKING_WARM_LIMIT": int(os.environ.get("TRACKING_WARM_LIMIT", "100000")),
        "TRACKING_WARM_INTERVAL": int(os.environ.get("TRACKING_WARM_INTERVAL", "1800")),
        # Job feeds: each read is time- and size-limited; private addresses are
        # refused unless this is switched on (tests read feeds from 127.0.0.1).
        "JOB_FEED_TIMEOUT": float(os.environ.get("JOB_FEED_TIMEOUT", "15")),
        "JOB_FEED_MAX_BYTES": int(os.environ.get("JOB_FEED_MAX_BYTES", str(5_000_000))),
        "JOB_FEED_ALLOW_PRIVATE": _bool("JOB_FEED_ALLOW_PRIVATE", False),
        # The public "where did you first see this job?" page: answers per address per hour.
        "SURVEY_MAX_PER_HOUR": int(os.environ.get("SURVEY_MAX_PER_HOUR", "20")),
        "EXPORT_LINK_MAX_AGE": int(os.environ.get("EXPORT_LINK_MAX_AGE", str(7 * 24 * 3600))),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "8025")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "advocacy@localhost"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        "QUEUE_PAGE_SIZE": 5,
        "INSTANCE_DIR": str(INSTANCE_DIR),
        # Uploaded images (posts, story photos); served only to logged-in people.
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        # Reminders (advocacy/reminders): recipients per Celery task, leases in seconds.
        "REMINDER_BATCH_SIZE": int(os.environ.get("REMINDER_BATCH_SIZE", "200")),
        "REMINDER_DISPATCH_LEASE": int(os.environ.get("REMINDER_DISPATCH_LEASE", "900")),
        "REMINDER_SEND_LEASE": int(os.environ.get("REMINDER_SEND_LEASE", "300")),
        "REMINDER_MAX_ATTEMPTS": int(os.environ.get("REMINDER_MAX_ATTEMPTS", "6")),
        "REMINDER_LOGIN_MAX_AGE": int(os.environ.get("REMINDER_LOGIN_MAX_AGE", str(7 * 86400))),
    }
