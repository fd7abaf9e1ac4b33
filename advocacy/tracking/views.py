"""GET /r/<token>: the public tracked redirect."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request

from advocacy.db import utcnow
from advocacy.extensions import csrf, db
from advocacy.tracking.service import RequestMeta, record_click

bp = Blueprint("tracking", __name__)


@bp.get("/r/<token>")
@csrf.exempt
def redirect_token(token: str):
    if len(token) > 64:
        abort(404)
    meta = RequestMeta(
        remote_addr=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", "")[:1000],
        referrer=request.headers.get("Referer"),
    )
    target = record_click(token, meta, secret=current_app.config["SECRET_KEY"], now=utcnow())
    if target is None:
        abort(404)
    db.session.commit()
    response = redirect(target, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
