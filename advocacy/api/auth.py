"""Who is calling: a bearer token only (never the session), and the scope a route needs."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import current_app, g, request

from advocacy.api import tokens
from advocacy.api.errors import ApiError
from advocacy.db import utcnow
from advocacy.extensions import db

# Bodies larger than this are refused with 413 before they are read.
DEFAULT_MAX_BODY = 64 * 1024
WRITE_METHODS = {"POST", "PUT", "PATCH"}
BEARER = {"WWW-Authenticate": 'Bearer realm="advocacy"'}


def needs(scope: str) -> Callable:
    """Mark a view with the one scope a token must hold to call it."""
    if scope not in tokens.SCOPES:
        raise ValueError(scope)

    def decorator(view: Callable) -> Callable:
        view.api_scope = scope  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: Callable) -> Callable:
    """The OpenAPI document and its page: no token needed (they hold no data)."""
    view.api_public = True  # type: ignore[attr-defined]
    return view


def authenticate() -> None:
    """Blueprint before_request: token, scope, then the body's size, type and syntax."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "api_public", False):
        return
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer " or not header[7:].strip():
        raise ApiError(401, "unauthorized",
                       "Send an API token as 'Authorization: Bearer <token>'.", headers=BEARER)
    now = utcnow()
    token, status = tokens.find_active(header[7:].strip(), now)
    if token is None:
        message = {"revoked": "This token has been revoked.",
                   "expired": "This token has expired."}.get(status, "Unknown token.")
        raise ApiError(401, f"token_{status}", message, headers=BEARER)
    scope = getattr(view, "api_scope", None)
    if scope is None or scope not in (token.scopes or []):
        raise ApiError(403, "insufficient_scope",
                       f"This token lacks the scope '{scope}'.")
    g.api_token = token
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now  # at most one write a minute per token
        db.session.commit()
    _check_body()


def _check_body() -> None:
    limit = int(current_app.config.get("API_MAX_BODY", DEFAULT_MAX_BODY))
    request.max_content_length = limit  # also bounds chunked bodies without a length
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", f"The body is larger than {limit} bytes.")
    if request.method not in WRITE_METHODS:
        return
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise ApiError(413, "too_large", f"The body is larger than {limit} bytes.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from exc
    if _has_nul(body):
        raise ApiError(400, "nul_character", "Text must not contain NUL characters.")
    if not isinstance(body, dict):
        raise ApiError(422, "invalid", "The body must be a JSON object.",
                       [{"field": "", "problem": "Expected an object.", "type": "dict_type"}])


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def current_token():
    return g.api_token
