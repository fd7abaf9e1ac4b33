"""Every API error is JSON: a stable `code` for programs and a `message` for people."""

from __future__ import annotations

from typing import Any

from flask import jsonify

# Status -> the code and message of errors that Flask or Werkzeug raise themselves.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'."),
    403: ("forbidden", "This token may not do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("too_large", "The request body is larger than the API accepts."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    422: ("invalid", "The request did not pass validation."),
    429: ("rate_limited", "Too many requests for this token; wait and try again."),
    500: ("server_error", "Something went wrong on our side; nothing was saved."),
}


class ApiError(Exception):
    """Raised anywhere in an API request; the blueprint turns it into a JSON answer."""

    def __init__(self, status: int, code: str, message: str,
                 details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers or {}


def error_response(status: int, code: str | None = None, message: str | None = None,
                   details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None):
    default_code, default_message = HTTP_CODES.get(status, HTTP_CODES[500])
    body: dict[str, Any] = {"code": code or default_code, "message": message or default_message}
    if details is not None:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def http_error(error) -> Any:
    """A Werkzeug HTTPException under /api/ (404, 405, 413, 429 …) as API JSON."""
    status = getattr(error, "code", None) or 500
    response = error_response(status)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="advocacy"'
    return response


def handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.details, error.headers)
