"""In a real browser: a curator writes a post with LinkedIn and X texts, a second curator
approves it, and an ambassador finds it in the queue. A live server on its own database."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, database_url, is_postgres, make_app, upgrade

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_url(tmp_path):
    url = database_url()
    admin = None
    if is_postgres(url):
        name = f"test_issue3_e2e_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        live_db = make_url(url).set(database=name).render_as_string(hide_password=False)
    else:
        live_db = f"sqlite:///{tmp_path / 'live.db'}"
    app = make_app(live_db, UPLOAD_DIR=str(tmp_path / "uploads"))
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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            from advocacy.extensions import db

            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def log_in(page, base, email):
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/")


def log_out(page):
    # the account menu (a <details> dropdown named after the person) holds "Log out"
    # (opened with the keyboard, as a keyboard user would)
    page.locator("nav details.dropdown").last.locator("summary").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Log out").click()


def test_curator_writes_second_curator_approves_ambassador_sees_it(live_url, page):
    from playwright.sync_api import expect

    log_in(page, live_url, "cora@example.org")
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

    log_in(page, live_url, "carl@example.org")
    page.goto(post_url)
    page.click("text=Approve and publish")
    expect(page.locator(".badge.status-live")).to_be_visible()
    log_out(page)

    log_in(page, live_url, "anna@example.org")
    page.goto(f"{live_url}/queue")
    expect(page.locator(".queue-item h3")).to_have_text("Bli sykepleier hos oss")
    expect(page.locator(".queue-item .network-linkedin")).to_be_visible()
    expect(page.locator(".queue-item .network-x")).to_be_visible()
