"""The SpecTree instance: it validates requests with the pydantic models in schemas.py and
builds the OpenAPI 3.1 document from the same models (nothing is written by hand)."""

from __future__ import annotations

from typing import Any

from flask import request
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from advocacy.api.errors import ApiError
from advocacy.api.schemas import Error

VERSION = "1.0.0"


def _refuse_invalid(req, resp, req_validation_error, instance, model_adapter=None):
    """Spectree calls this after validation: a failure becomes our 422 JSON (code, message,
    details per field), before the view runs, so nothing is written."""
    if req_validation_error is None:
        return
    details = []
    for item in req_validation_error.errors(include_url=False, include_context=False,
                                            include_input=False):
        details.append({"field": ".".join(str(p) for p in item.get("loc", ())),
                        "problem": str(item.get("msg", "")), "type": str(item.get("type", ""))})
    raise ApiError(422, "invalid", "The request did not pass validation.", details)


spec = SpecTree(
    "flask",
    mode="strict",  # only the routes decorated below, never the web pages
    # The document is served by our own view (views.openapi); this path is never registered.
    path="api/v1/spectree",
    page_templates={},
    title="advocacy API",
    version=VERSION,
    description=(
        "JSON API for HR and applicant-tracking systems. Authenticate with a per-integration "
        "token (`Authorization: Bearer adv_…`) that an administrator creates; each operation "
        "names the scope it needs. Errors are JSON with a `code` and a `message`. Lists are "
        "paginated by cursor. Requests are rate limited per token."
    ),
    security_schemes=[SecurityScheme(
        name="bearer", data=SecuritySchemeData(
            type=SecureType.HTTP, scheme="bearer",
            description="An API token created by an administrator on /admin/api-tokens."))],
    security={"bearer": []},
    before=_refuse_invalid,
    validation_error_model=Error,
    annotations=False,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

ERRORS = {f"HTTP_{code}": Error for code in (400, 401, 403, 413, 415, 429)}


def validated() -> Any:
    """What spectree validated for this request: `.query` and `.json`, instances of the
    operation's models. Spectree keeps it on Flask's request as `request.context`, an
    attribute that Flask's `Request` type does not declare."""
    return request.context  # type: ignore[attr-defined]  # set by spectree


def responses(**models) -> Response:
    return Response(**{**ERRORS, **models})
