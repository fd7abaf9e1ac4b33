"""Error pages in the reader's language; JSON with a reason for API and health clients."""

from __future__ import annotations

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


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str | None = None):
    if request.path.startswith("/api/"):
        from advocacy.api.errors import error_response

        return error_response(code, message=str(message) if message else None)
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
        if request.path.startswith("/api/"):
            from advocacy.api.errors import http_error

            return http_error(error)
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def _server(error):
        from advocacy.extensions import db

        db.session.rollback()
        return render_error(500)
