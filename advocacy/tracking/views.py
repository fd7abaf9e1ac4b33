"""GET /r/<token>: the public tracked redirect. Recording may fail; the redirect may not."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, request
from sqlalchemy.exc import SQLAlchemyError

from advocacy import kv
from advocacy.db import utcnow
from advocacy.extensions import csrf, db
from advocacy.tracking import service
from advocacy.tracking.service import RequestMeta

bp = Blueprint("tracking", __name__)
log = logging.getLogger(__name__)


@bp.get("/r/<token>")
@csrf.exempt
def redirect_token(token: str):
    if len(token) > 64:
        abort(404)
    now = utcnow()
    secret = current_app.config["SECRET_KEY"]
    meta = RequestMeta(
        remote_addr=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", "")[:1000],
        referrer=request.headers.get("Referer"),
    )
    hashed = service.visitor_hash(secret, meta, now)
    seen = kv.hit("redirect", hashed, 60)
    if seen is not None and seen > current_app.config["REDIRECT_MAX_PER_MINUTE"]:
        abort(429)
    target = service.find_target(token)
    if target is None:
        abort(404)
    # Beyond the counted rate the visitor still gets through, but is not counted again.
    if seen is None or seen <= current_app.config["REDIRECT_COUNTED_PER_MINUTE"]:
        repeat = not service.first_click_this_hour(target.share_id, hashed)
        data = service.click_data(target.share_id, meta, secret=secret, now=now,
                                  is_repeat=repeat, hashed=hashed)
        try:
            service.insert_click(data)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            log.error("click not stored, buffered in Redis instead: %s", exc)
            service.buffer_click(data)
    response = redirect(target.url, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
