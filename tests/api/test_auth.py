"""Tokens: missing, unknown, revoked, expired and wrong-scope tokens are refused; the session
cookie of a logged-in person never counts; each token has its own rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from advocacy.api import tokens
from advocacy.api.models import ApiToken
from advocacy.db import utcnow
from tests import factories as f
from tests.api.conftest import auth

# endpoint (method, path, body) -> the one scope it needs
ENDPOINTS = [
    ("GET", "/api/v1/units", None, "units:read"),
    ("GET", "/api/v1/people", None, "people:read"),
    ("GET", "/api/v1/posts", None, "posts:read"),
    ("POST", "/api/v1/posts", {"title": "T", "link": "https://example.org/",
                               "texts": {"linkedin": "Hi"}}, "posts:write"),
    ("GET", "/api/v1/stats/shares", None, "stats:read"),
    ("POST", "/api/v1/applications", {"job_reference": "NONE", "ats_application_id": "1"},
     "applications:write"),
    ("PATCH", "/api/v1/jobs/NONE/applications/1", {"outcome": "hired"}, "applications:write"),
    ("GET", "/api/v1/job-feeds", None, "feeds:read"),
    ("GET", "/api/v1/corps-health", None, "insights:read"),
]


def _call(client, method, path, body, headers):
    return client.open(path, method=method, json=body, headers=headers)


def test_secret_is_stored_only_as_a_hash(db_session, make_token):
    token, secret = make_token("units:read")
    assert secret.startswith("adv_") and len(secret) > 40
    row = db_session.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert row.token_hash == tokens.digest(secret) and secret not in row.token_hash
    assert secret.startswith(row.prefix) and len(row.prefix) < 12


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_each_endpoint_needs_its_scope(client, make_token, method, path, body, scope):
    others = [s for s in tokens.SCOPES if s != scope]
    _t, wrong = make_token(*others)
    refused = _call(client, method, path, body, auth(wrong))
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "insufficient_scope"
    assert scope in refused.get_json()["message"]
    _t, right = make_token(scope)
    allowed = _call(client, method, path, body, auth(right))
    assert allowed.status_code not in (401, 403), allowed.get_json()


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_no_token_unknown_token(client, method, path, body, scope):
    missing = _call(client, method, path, body, {})
    assert missing.status_code == 401
    assert missing.get_json()["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = _call(client, method, path, body, auth("adv_" + "x" * 43))
    assert unknown.status_code == 401 and unknown.get_json()["code"] == "token_unknown"


def test_revoked_token_is_refused_at_once(client, db_session, make_token):
    token, secret = make_token("units:read")
    assert client.get("/api/v1/units", headers=auth(secret)).status_code == 200
    tokens.revoke_token(token, user=None, now=utcnow())
    response = client.get("/api/v1/units", headers=auth(secret))
    assert response.status_code == 401
    assert response.get_json() == {"code": "token_revoked",
                                   "message": "This token has been revoked."}


def test_expired_token_is_refused(client, db_session, make_token):
    token, secret = make_token("units:read", days=1)
    assert client.get("/api/v1/units", headers=auth(secret)).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.flush()
    response = client.get("/api/v1/units", headers=auth(secret))
    assert response.status_code == 401 and response.get_json()["code"] == "token_expired"


def test_token_use_is_recorded(client, db_session, make_token):
    token, secret = make_token("units:read")
    assert token.last_used_at is None
    client.get("/api/v1/units", headers=auth(secret))
    db_session.refresh(token)
    assert token.last_used_at is not None


def test_session_cookie_never_authenticates_and_no_cookie_is_set(client, login):
    admin = f.user("admin")
    login(admin)
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_writes_need_no_csrf_token(app, client, make_token):
    """The API is exempt from CSRF (token auth only): with CSRF on, a POST still works."""
    _t, secret = make_token("posts:write")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/api/v1/posts", headers=auth(secret), json={
            "title": "T", "link": "https://example.org/", "texts": {"linkedin": "Hi"}})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201, response.get_json()


def test_rate_limit_is_per_token(app, client, make_token):
    _t, first = make_token("units:read")
    _t, second = make_token("units:read")
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/units", headers=auth(first)).status_code
                 for _ in range(4)]
        limited = client.get("/api/v1/units", headers=auth(first))
        other = client.get("/api/v1/units", headers=auth(second))
    finally:
        app.config.pop("API_RATE_LIMIT", None)
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited.get_json()["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
    assert other.status_code == 200


def test_create_token_refuses_bad_input(db_session):
    with pytest.raises(tokens.TokenError) as caught:
        tokens.create_token(name=" ", scopes=["nope"], days=0, user=None, now=utcnow())
    assert set(caught.value.errors) == {"name", "scopes", "days"}
    assert db_session.scalar(select(ApiToken)) is None
