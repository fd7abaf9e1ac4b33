"""Browser tests: a real server on 127.0.0.1 with its own database, driven by Debian's Chromium.

The savepoint `db_session` of the other tests cannot serve here: the server answers from
another thread, so it must see committed rows. Each run therefore gets its own database (a
temporary SQLite file, or a uniquely named PostgreSQL database on the TEST_DATABASE_URL
server, dropped at the end), migrated from zero and seeded with the factories + commit.
Tests seed what they need through `live.seed()` and aim their posts at their own unit, so
they do not see each other's data.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from advocacy.extensions import db
from tests.conftest import make_app, own_database, upgrade

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 from a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@dataclass
class LiveServer:
    app: object
    url: str
    port: int

    @contextmanager
    def seed(self):
        """Make rows with the factories; they are committed so the server thread sees them."""
        with self.app.app_context():
            yield
            db.session.commit()


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    with own_database("advocacy_e2e", tmp_path_factory.mktemp("e2e")) as url:
        app = make_app(url, WTF_CSRF_ENABLED=True)
        upgrade(app)
        with serving(app) as base:
            yield LiveServer(app=app, url=base, port=int(urlsplit(base).port))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Blocked:
    urls: list[str] = field(default_factory=list)


def user_agent(browser) -> str:
    """An ordinary desktop Chrome user agent: "HeadlessChrome" is rightly counted as a bot."""
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{browser.version} Safari/537.36"
    )


@pytest.fixture
def new_context(browser, live):
    """Make browser contexts that can reach only the live server; others are aborted."""
    contexts = []
    blocked = Blocked()

    def guard(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.urls.append(route.request.url)
            route.abort()

    def _new(**options):
        options.setdefault("base_url", live.url)
        options.setdefault("locale", "en-GB")
        options.setdefault("user_agent", user_agent(browser))
        context = browser.new_context(**options)
        context.set_default_timeout(5000)
        context.route("**/*", guard)
        contexts.append(context)
        return context

    _new.blocked = blocked
    yield _new
    for context in contexts:
        context.close()
    assert not blocked.urls, f"the browser tried to reach outside hosts: {blocked.urls}"
