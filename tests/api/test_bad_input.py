"""Bad input under /api/: a 4xx JSON answer with a code and a reason, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from advocacy.content.models import Post
from advocacy.recruitment.models import Application
from tests import factories as f

GOOD_POST = {"title": "T", "link": "https://example.org/", "texts": {"linkedin": "Hi"}}


def _counts(db_session):
    return (db_session.scalar(select(func.count()).select_from(Post)),
            db_session.scalar(select(func.count()).select_from(Application)))


def _assert_error(response, status, code=None):
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["message"]
    if code:
        assert body["code"] == code, body


def test_malformed_json(client, db_session, bearer):
    before = _counts(db_session)
    response = client.post("/api/v1/posts", data=b'{"title": "T",', headers=bearer,
                           content_type="application/json")
    _assert_error(response, 400, "malformed_json")
    assert _counts(db_session) == before


@pytest.mark.parametrize("body", [
    {**GOOD_POST, "title": 5},  # wrong type
    {**GOOD_POST, "texts": {"myspace": "Hi"}},  # unknown network
    {**GOOD_POST, "texts": "Hi"},
    {**GOOD_POST, "surprise": True},  # unknown field
    {"link": "https://example.org/", "texts": {"linkedin": "Hi"}},  # missing title
    {**GOOD_POST, "deadline_at": "tomorrow"},
    {**GOOD_POST, "deadline_at": "2027-01-01T10:00:00"},  # no time zone
    [GOOD_POST],  # not an object
])
def test_invalid_post_bodies_are_422_with_details(client, db_session, bearer, body):
    before = _counts(db_session)
    response = client.post("/api/v1/posts", json=body, headers=bearer)
    _assert_error(response, 422, "invalid")
    assert response.get_json()["details"]
    assert _counts(db_session) == before


def test_domain_rules_are_422_too(client, db_session, bearer):
    """A job without deadline and place passes the schema but not the post rules."""
    before = _counts(db_session)
    response = client.post("/api/v1/posts", json={**GOOD_POST, "kind": "job"}, headers=bearer)
    _assert_error(response, 422, "invalid")
    fields = {d["field"] for d in response.get_json()["details"]}
    assert {"deadline_at", "place"} <= fields
    assert _counts(db_session) == before


def test_unknown_application_fields_and_bad_outcome(client, db_session, bearer):
    job = f.post(kind="job")
    job.job_reference = "J-1"
    before = _counts(db_session)
    for body in ({"job_reference": "J-1", "ats_application_id": "1", "name": "Ola Nordmann"},
                 {"job_reference": "J-1", "ats_application_id": "1", "outcome": "promoted"},
                 {"job_reference": "J-1", "ats_application_id": ""},
                 {"job_reference": "J-1", "ats_application_id": "x" * 101}):
        _assert_error(client.post("/api/v1/applications", json=body, headers=bearer), 422,
                      "invalid")
    assert _counts(db_session) == before


def test_body_over_the_limit_is_413(app, client, db_session, bearer):
    before = _counts(db_session)
    huge = {**GOOD_POST, "texts": {"linkedin": "x" * (70 * 1024)}}
    response = client.post("/api/v1/posts", json=huge, headers=bearer)
    _assert_error(response, 413, "too_large")
    assert _counts(db_session) == before


def test_wrong_media_type_is_415(client, db_session, bearer):
    response = client.post("/api/v1/posts", data={"title": "T"}, headers=bearer)
    _assert_error(response, 415, "unsupported_media_type")


def test_nul_characters_are_refused(client, db_session, bearer):
    before = _counts(db_session)
    response = client.post("/api/v1/posts", json={**GOOD_POST, "title": "a\x00b"},
                           headers=bearer)
    _assert_error(response, 400, "nul_character")
    assert _counts(db_session) == before


def test_404_and_405_under_api_are_json(client, bearer):
    _assert_error(client.get("/api/v1/nothing-here", headers=bearer), 404, "not_found")
    wrong = client.delete("/api/v1/units", headers=bearer)
    _assert_error(wrong, 405, "method_not_allowed")
    assert "GET" in wrong.headers["Allow"]


def test_wrong_query_types(client, bearer):
    _assert_error(client.get("/api/v1/units?limit=abc", headers=bearer), 422, "invalid")
    _assert_error(client.get("/api/v1/units?limit=100000", headers=bearer), 422, "invalid")
    _assert_error(client.get("/api/v1/units?colour=red", headers=bearer), 422, "invalid")
    _assert_error(client.get("/api/v1/stats/shares?from=2026-13", headers=bearer), 400,
                  "invalid_month")
    _assert_error(client.get("/api/v1/stats/shares?from=2026-05&to=2026-01", headers=bearer),
                  400, "invalid_span")
