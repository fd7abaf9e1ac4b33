"""Home page, language switch and the health check."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from advocacy.accounts.views import safe_next
from advocacy.extensions import db
from advocacy.programme.service import get_programme
from advocacy.queue.views import queue_context

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))

    programme = get_programme()
    context = (
        queue_context()
        if (current_user.has_role("ambassador") or current_user.has_role("leader"))
        and current_user.is_participant
        else {}
    )
    return render_template("core/home.html", programme=programme, **context)


@bp.post("/language")
def language():
    code = request.form.get("locale", "")
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"))


def _broker_ok() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        db.session.rollback()
        return False


@bp.get("/healthz")
@bp.get("/livez")
def healthz():
    """Liveness: this web process answers. 200 even when Redis or the database is down, so an
    orchestrator restarts only a hung process, and a broker blip never takes the site down
    (the redirect keeps working without Redis). Readiness is /readyz."""
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    """Readiness: the database and the broker both answer; 503 names what is down."""
    database = _database_ok()
    broker = _broker_ok()
    body = {
        "status": "ok" if database and broker else "unavailable",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if database and broker else 503


# Home-screen icons drawn once by scripts/make_icons.py and committed under static/icons.
MANIFEST_ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)
THEME_COLOUR = "#0b3d91"


@bp.get("/manifest.webmanifest")
def manifest():
    """Web app manifest: staff add advocacy to a phone's home screen, named in their language."""
    from flask_babel import get_locale
    from flask_babel import gettext as _

    programme = get_programme()
    body = {
        "name": programme.name or _("advocacy: share our stories"),
        "short_name": "advocacy",
        "description": _("Share your workplace's stories and job openings in your own words."),
        "lang": str(get_locale()),
        "start_url": url_for("core.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": url_for("static", filename=path), "sizes": sizes, "type": "image/png",
             "purpose": purpose}
            for path, sizes, purpose in MANIFEST_ICONS
        ],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json"
    )
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response
