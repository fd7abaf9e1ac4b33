"""Privacy pages, one blueprint: what I can read about the rules and about me (reading),
my own choices and data (mine), and the administrators' settings (admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from advocacy.extensions import db
from advocacy.privacy.notices import unseen_notices

bp = Blueprint("privacy", __name__)

# A person's page is drawn by insights (a layer above privacy, docs/architecture.md); the app
# wires it in (`show_person_page`, advocacy/__init__.py), so "what my leader sees" shows the
# very page and privacy imports none of insights: "page" (person, seen) -> the page's data,
# "response" (user_id) -> the answer.
PERSON_PAGE: dict[str, Callable[..., Any]] = {}


def show_person_page(*, page: Callable[..., Any], response: Callable[[int], Any]) -> None:
    PERSON_PAGE.update(page=page, response=response)


def status_of(form) -> int:
    return 400 if form.errors else 200


@bp.app_context_processor
def _privacy_banner():
    """Unread privacy notices, shown as a banner on every page until marked as read."""
    if not current_user or not current_user.is_authenticated:
        return {"privacy_notices": []}
    try:
        return {"privacy_notices": unseen_notices(current_user)}
    except SQLAlchemyError:  # an error page must still render when the database is down
        db.session.rollback()
        return {"privacy_notices": []}


# The pages register their routes on `bp` when they are imported.
from advocacy.privacy.views import admin, mine, reading  # noqa: E402, F401
