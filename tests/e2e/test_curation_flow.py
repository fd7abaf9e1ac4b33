"""In a real browser: a curator writes a post with LinkedIn and X texts, a second curator
approves it, and an ambassador finds it in the queue. A live server on its own database."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, own_database, upgrade
from tests.e2e.browser import log_in
from tests.e2e.conftest import serving


@pytest.fixture
def live_url(tmp_path):
    with own_database("advocacy_e2e_curation", tmp_path) as url:
        app = make_app(url, UPLOAD_DIR=str(tmp_path / "uploads"))
        upgrade(app)
        with app.app_context():
            from advocacy.extensions import db
            from advocacy.programme.service import get_programme
            from tests import factories as f

            programme = get_programme()
            programme.require_second_approval = True
            f.user("curator", email="cora@example.org", name="Cora Curator")
            f.user("curator", email="carl@example.org", name="Carl Curator")
            f.user("ambassador", email="anna@example.org", name="Anna Ambassador")
            db.session.commit()
        with serving(app) as base:
            yield base


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        yield tab
    finally:
        context.close()


def log_out(page):
    # the account menu (a <details> dropdown named after the person) holds "Log out"
    # (opened with the keyboard, as a keyboard user would)
    page.locator("nav details.dropdown").last.locator("summary").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Log out").click()


def test_curator_writes_second_curator_approves_ambassador_sees_it(live_url, page):
    from playwright.sync_api import expect

    log_in(page, "cora@example.org", base=live_url)
    page.goto(f"{live_url}/curate/posts/new")
    page.fill("#title", "Bli sykepleier hos oss")
    page.fill("#link", "https://jobb.example.no/42")
    page.select_option("#kind", "news")
    page.fill("#text_linkedin", "Vi søker sykepleiere til Sykehjem Nord. Bli med!")
    page.fill("#text_x", "Sykepleiere søkes! <b>Bli med</b>")
    # live character count and preview, text shown as text
    expect(page.locator("#text_x-count [data-count]")).to_have_text("33")
    expect(page.locator("#text_x-preview [data-preview-text]")).to_have_text(
        "Sykepleiere søkes! <b>Bli med</b>")
    page.click("button[value=submit]")
    expect(page.locator("h1")).to_have_text("Bli sykepleier hos oss")
    expect(page.locator(".badge.status-in_review")).to_be_visible()
    post_url = page.url
    log_out(page)

    log_in(page, "carl@example.org", base=live_url)
    page.goto(post_url)
    page.click("text=Approve and publish")
    expect(page.locator(".badge.status-live")).to_be_visible()
    log_out(page)

    log_in(page, "anna@example.org", base=live_url)
    page.goto(f"{live_url}/queue")
    expect(page.locator(".queue-item h3")).to_have_text("Bli sykepleier hos oss")
    expect(page.locator(".queue-item .network-linkedin")).to_be_visible()
    expect(page.locator(".queue-item .network-x")).to_be_visible()
