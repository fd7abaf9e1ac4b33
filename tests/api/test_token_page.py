"""The admins' token page: make a token (shown once), revoke it; translated; admins only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from advocacy.api.models import ApiToken
from tests import factories as f


def test_make_use_and_revoke_a_token(client, login, db_session):
    login(f.user("admin"))
    page = client.get("/admin/api-tokens")
    assert page.status_code == 200 and b"No tokens yet." in page.data
    made = client.post("/admin/api-tokens", data={
        "name": "Webcruiter", "scopes": ["applications:write", "posts:read"], "days": "90"})
    assert made.status_code == 200
    secret = re.search(rb'id="secret"[^>]*value="(adv_[^"]+)"', made.data).group(1).decode()
    token = db_session.scalar(select(ApiToken).where(ApiToken.name == "Webcruiter"))
    assert token.scopes == ["applications:write", "posts:read"] and token.expires_at
    assert secret.encode() not in client.get("/admin/api-tokens").data  # shown once only
    api = client.application.test_client()
    assert api.get("/api/v1/posts", headers={"Authorization": f"Bearer {secret}"}
                   ).status_code == 200
    revoked = client.post(f"/admin/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 302
    assert api.get("/api/v1/posts", headers={"Authorization": f"Bearer {secret}"}
                   ).status_code == 401
    assert b"Revoked" in client.get("/admin/api-tokens").data


def test_form_errors_change_nothing(client, login, db_session):
    login(f.user("admin"))
    response = client.post("/admin/api-tokens", data={"name": "", "days": "9999"})
    assert response.status_code == 200 and b'aria-invalid="true"' in response.data
    assert db_session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize(("locale", "title", "button"), [
    ("nb", "API-nøkler", "Lag nøkkel"), ("da", "API-nøgler", "Opret nøgle"),
    ("en", "API tokens", "Make token")])
def test_page_is_translated(client, login, locale, title, button):
    login(f.user("admin", locale=locale))
    page = client.get("/admin/api-tokens").data.decode()
    assert f"<h1>{title}</h1>" in page and button in page
    assert f'lang="{locale}"' in page


def test_reference_page_is_made_from_the_document(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/applications" in page.data and b"applications:write" in page.data
    assert b"ApplicationIn" in page.data
    assert not re.search(rb'(src|href)="(https?:)?//', page.data)  # nothing from elsewhere


def test_openapi_document_is_3_1_and_matches_the_validating_models(client):
    from advocacy.api import schemas

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["schemas"]["ApplicationIn"]["properties"].keys() == \
        schemas.ApplicationIn.model_json_schema()["properties"].keys()
    assert document["components"]["schemas"]["ApplicationIn"]["additionalProperties"] is False
