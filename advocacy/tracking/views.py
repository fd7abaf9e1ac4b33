"""GET /r/<token>: the public tracked redirect. Recording may fail; the redirect may not.

The answer is made by advocacy.tracking.fastpath's middleware before Flask runs; this view
exists for url_for() and renders the product's 404 page for unknown tokens.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from advocacy.extensions import csrf
from advocacy.tracking import fastpath

bp = Blueprint("tracking", __name__)


@bp.get("/r/<token>")
@csrf.exempt
def redirect_token(token: str):
    if request.environ.get("advocacy.tracking.unknown"):
        abort(404)
    result = fastpath.answer(current_app._get_current_object(), request.environ)  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    if result is None:
        abort(404)
    status, headers, body = result
    return Response(body, status=status, headers=headers)
