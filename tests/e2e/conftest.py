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
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from advocacy.extensions import db
from tests.conftest import is_postgres, make_app, upgrade

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
def own_database() -> Iterator[str]:
    """A database nobody else uses; TEST_DATABASE_URL only names the PostgreSQL server."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if is_postgres(base):
        name = f"advocacy_e2e_{uuid.uuid4().hex[:12]}"
        admin = create_engine(
            make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(base).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        folder = Path(tempfile.mkdtemp(prefix="advocacy-e2e-"))
        try:
            yield f"sqlite:///{folder / 'e2e.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)


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
def live() -> Iterator[LiveServer]:
    with own_database() as url:
        app = make_app(url, WTF_CSRF_ENABLED=True)
        upgrade(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_BASE_URL"] = base
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(app=app, url=base, port=server.server_port)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            server.server_close()
            with app.app_context():
                db.session.remove()
                for engine in db.engines.values():
                    engine.dispose()


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
