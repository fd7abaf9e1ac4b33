"""API tests: tokens made through the real service, requests through the real app."""

from __future__ import annotations

import pytest

from advocacy.api import tokens
from advocacy.db import utcnow
from tests import factories as f

ALL_SCOPES = tuple(tokens.SCOPES)


@pytest.fixture
def make_token(db_session):
    """A token (and its secret) with the given scopes; days=None never expires."""
    admin = None

    def _make(*scopes: str, days: int | None = 30, name: str = "ATS"):
        nonlocal admin
        admin = admin or f.user("admin")
        token, secret = tokens.create_token(name=name, scopes=list(scopes or ALL_SCOPES),
                                            days=days, user=admin, now=utcnow())
        return token, secret

    return _make


@pytest.fixture
def bearer(make_token):
    """Headers carrying a token with every scope."""
    _token, secret = make_token(*ALL_SCOPES)
    return {"Authorization": f"Bearer {secret}"}


def auth(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
