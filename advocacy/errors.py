"""Error pages in the reader's language; JSON with a reason for API and health clients.

A part of the site with an error format of its own (the API under /api/) registers it here
with `errors_under`; this module imports none of them (docs/architecture.md, Layers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing here. The link may be old or mistyped.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept.")),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (
        _l("Something went wrong"),
        _l("We could not finish this. Nothing was saved; please try again."),
    ),
}


# path prefix -> (error_response(code, message=...), http_error(HTTPException))
_FORMATS: dict[str, tuple[Callable[..., Any], Callable[[HTTPException], Any]]] = {}


def errors_under(prefix: str, *, error_response: Callable[..., Any],
                 http_error: Callable[[HTTPException], Any]) -> None:
    """Answer errors under `prefix` in that part's own format (the API registers /api/)."""
    _FORMATS[prefix] = (error_response, http_error)


def _format_for(path: str):
    for prefix, handlers in _FORMATS.items():
        if path.startswith(prefix):
            return handlers
    return None


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str | None = None):
    own = _format_for(request.path)
    if own is not None:
        return own[0](code, message=str(message) if message else None)
    title, default = MESSAGES.get(code, MESSAGES[500])
    text = message or str(default)
    if wants_json():
        return jsonify({"error": str(title), "reason": text}), code
    return render_template("errors/error.html", title=title, message=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, str(_l("The form had expired or was sent from elsewhere. "
                                         "Please reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        own = _format_for(request.path)
        if own is not None:
            return own[1](error)
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def _server(error):
        from advocacy.extensions import db

        db.session.rollback()
        return render_error(500)
