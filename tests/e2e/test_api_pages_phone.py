"""The token page and the API reference on a 390 px phone in Debian's Chromium: usable,
no sideways scrolling of the page, nothing fetched from elsewhere."""

from __future__ import annotations

from tests import factories as f
from tests.e2e.browser import log_in, overflow

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def _fits(page) -> bool:
    return overflow(page) <= 1


def test_admin_makes_and_revokes_a_token_on_a_phone(live, new_context):
    with live.seed():
        f.user("admin", email="api-admin@example.org", name="API Admin")
    page = new_context(**PHONE).new_page()
    log_in(page, "api-admin@example.org")
    page.goto("/admin/api-tokens")
    assert page.locator("h1").inner_text() == "API tokens"
    assert _fits(page)
    page.get_by_label("Integration").fill("Jobbnorge")
    page.get_by_label("Report applications and their outcomes").check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("adv_")
    assert page.get_by_role("region", name="Your new token").is_visible()
    assert "shown only once" in page.get_by_role("status").inner_text()
    assert _fits(page)
    page.get_by_role("button", name="Revoke the token for Jobbnorge").click()
    assert page.get_by_role("cell", name="Revoked").is_visible()
    page.goto("/api/v1/docs")
    assert page.locator("h1").inner_text().startswith("advocacy API")
    page.get_by_role("link", name="POST /api/v1/applications").click()
    assert page.locator("h2#report_application").is_visible()
    assert _fits(page)
