"""The job-feed reader against a real HTTP server on 127.0.0.1 serving recorded-shape feeds."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from advocacy.content.models import Post, PostStatus
from advocacy.db import utcnow
from advocacy.recruitment import feeds
from advocacy.recruitment.fetch import FetchError, fetch
from advocacy.recruitment.models import JobFeedRun
from tests import factories as f
from worker.recruitment_tasks import read_feed, read_feeds

WEBCRUITER_LIKE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:webcruiter="https://example.invalid/webcruiter">
<channel><title>Ledige stillinger - Eksempel kommune</title><link>https://example.org/</link>
{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://candidate.example.org/job/{ref}</link>
<guid isPermaLink="false">{ref}</guid><webcruiter:reference>{ref}</webcruiter:reference>
<webcruiter:deadline>{deadline}</webcruiter:deadline><webcruiter:workplace>{place}</webcruiter:workplace>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0100</pubDate></item>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jobbnorge - Eksempel</title>
<id>urn:jobbnorge:eksempel</id><updated>2026-11-30T08:00:00Z</updated>
<entry><title>Helsefagarbeider, 80 %</title><id>urn:jobbnorge:job:271828</id>
<link href="https://www.jobbnorge.example/job/271828"/><updated>2026-11-30T08:00:00Z</updated>
<summary>Bli med oss</summary></entry>
</feed>"""

JSON_FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "Jobs",
 "items": [{"id": "J-9", "url": "https://jobs.example.org/9", "title": "Cook",
   "_job": {"reference": "J-9", "deadline": "24.12.2026", "place": "Bergen"}}]}"""


class Site:
    """Routes: path -> (status, content type, body, delay seconds, extra headers)."""

    def __init__(self):
        self.routes: dict[str, tuple] = {}
        self.done = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                status, ctype, body, delay, headers = site.routes.get(
                    self.path, (404, "text/plain", b"no", 0, {}))
                if delay:  # the slow ATS: holds its answer until the test is done with it
                    site.done.wait(delay)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def serve(self, path, body, *, status=200, ctype="application/rss+xml", delay=0,
              headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, ctype, data, delay, headers or {})
        return self.url + path


@pytest.fixture
def site():
    s = Site()
    s.thread.start()
    yield s
    s.done.set()
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def loopback(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_FEED_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "JOB_FEED_TIMEOUT", 2.0)
    monkeypatch.setitem(app.config, "JOB_FEED_MAX_BYTES", 200_000)


def rss(*jobs):
    return WEBCRUITER_LIKE.format(items="".join(
        ITEM.format(title=t, ref=r, deadline=d, place=p) for t, r, d, p in jobs))


def job_posts(db_session):
    return {p.job_reference or p.link: p for p in db_session.scalars(
        select(Post).where(Post.kind == "job"))}


def test_new_changed_and_vanished_jobs(db_session, site, loopback):
    url = site.serve("/feed.rss", rss(("Sykepleier", "WC-1", "2026-12-24", "Sentrum"),
                                      ("Kokk", "WC-2", "2026-12-31", "Nord")))
    feed = feeds.add_feed(url, "Webcruiter", by_user_id=None, now=utcnow())
    result = read_feed(feed.id)
    assert result["ok"] and result["created"] == 2
    posts = job_posts(db_session)
    nurse = posts["WC-1"]
    assert nurse.status == PostStatus.DRAFT and nurse.title == "Sykepleier"
    assert nurse.place == "Sentrum" and nurse.link.endswith("/job/WC-1")
    assert nurse.deadline_at.date().isoformat() in {"2026-12-24", "2026-12-23"}

    # a rerun with nothing new changes nothing and never doubles
    again = read_feed(feed.id)
    assert again["ok"], again["error"]
    assert (again["created"], again["updated"], again["archived"]) == (0, 0, 0)
    assert len(job_posts(db_session)) == 2

    # WC-1 changes its title and deadline, WC-2 leaves the feed, WC-3 arrives
    site.serve("/feed.rss", rss(("Sykepleier, natt", "WC-1", "2027-01-10", "Sentrum"),
                                ("Renholder", "WC-3", "10.01.2027", "Sør")))
    changed = read_feed(feed.id)
    assert (changed["created"], changed["updated"], changed["archived"]) == (1, 1, 1)
    posts = job_posts(db_session)
    assert posts["WC-1"].title == "Sykepleier, natt"
    assert posts["WC-2"].status == PostStatus.ARCHIVED
    assert posts["WC-3"].deadline_at.year == 2027
    runs = db_session.scalars(select(JobFeedRun).where(JobFeedRun.feed_id == feed.id)
                              .order_by(JobFeedRun.id)).all()
    assert [r.ok for r in runs] == [True, True, True]
    assert runs[-1].changes["archived"][0][1] == "Kokk"
    assert feed.last_ok is True and feed.last_run_at is not None


def test_a_job_a_curator_already_made_is_adopted_not_doubled(db_session, site, loopback):
    mine = f.post("Sykepleier (our words)", job_reference="WC-1", status="live")
    url = site.serve("/feed.rss", rss(("Sykepleier", "WC-1", "2026-12-24", "Sentrum")))
    feed = feeds.add_feed(url, "", by_user_id=None, now=utcnow())
    read_feed(feed.id)
    posts = job_posts(db_session)
    assert list(posts) == ["WC-1"] and posts["WC-1"].id == mine.id
    assert mine.title == "Sykepleier (our words)"  # a live post keeps its curated title


def test_atom_and_json_feeds(db_session, site, loopback):
    atom = feeds.add_feed(site.serve("/atom", ATOM, ctype="application/atom+xml"), "",
                          by_user_id=None, now=utcnow())
    assert read_feed(atom.id)["created"] == 1
    made = db_session.scalar(select(Post).where(Post.title == "Helsefagarbeider, 80 %"))
    assert made.link == "https://www.jobbnorge.example/job/271828"
    js = feeds.add_feed(site.serve("/jobs.json", JSON_FEED, ctype="application/feed+json"), "",
                        by_user_id=None, now=utcnow())
    assert read_feed(js.id)["created"] == 1
    cook = job_posts(db_session)["J-9"]
    assert cook.place == "Bergen" and cook.deadline_at.year == 2026


@pytest.mark.parametrize("path, body, ctype, reason", [
    ("/page.html", "<html><body>Hello</body></html>", "text/html", "not an RSS or Atom"),
    ("/broken.rss", "<rss version='2.0'><channel><item><title>x", "application/rss+xml",
     "no jobs"),
    ("/plain.json", '{"hello": "world"}', "application/json", "JSON Feed"),
    ("/gone", "", "text/plain", "404"),
])
def test_bad_feeds_are_recorded_with_a_reason_and_change_nothing(
        db_session, site, loopback, path, body, ctype, reason):
    good = site.serve("/ok.rss", rss(("Kokk", "WC-2", "2026-12-31", "Nord")))
    feed = feeds.add_feed(good, "", by_user_id=None, now=utcnow())
    read_feed(feed.id)
    if path != "/gone":
        site.serve(path, body, ctype=ctype)
    feed.url = site.url + path
    result = read_feed(feed.id)
    assert result["ok"] is False and reason in result["error"]
    assert feed.last_ok is False and reason in feed.last_error
    # the job it had stays as it was: nothing archived on a broken feed's word
    assert job_posts(db_session)["WC-2"].status == PostStatus.DRAFT


def test_huge_feed_is_refused(db_session, site, loopback):
    many = rss(*[(f"Job {i}", f"R-{i}", "2026-12-31", "X") for i in range(2000)])
    assert len(many) > 200_000
    feed = feeds.add_feed(site.serve("/huge.rss", many), "", by_user_id=None, now=utcnow())
    result = read_feed(feed.id)
    assert result["ok"] is False and "larger than" in result["error"]
    assert db_session.scalar(select(func.count()).select_from(Post)) == 0


def test_huge_feed_without_a_length_is_cut_off_while_reading(site):
    # a server that lies about (or omits) the length is stopped by counting the bytes
    url = site.serve("/lying.rss", "x" * 300_000, headers={})
    site.routes["/lying.rss"] = (200, "application/rss+xml", b"x" * 300_000, 0, {})
    with pytest.raises(FetchError, match="larger than"):
        fetch(url, max_bytes=100_000, allow_private=True, timeout=5)


def test_slow_feed_times_out(db_session, site, loopback, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_FEED_TIMEOUT", 0.5)
    feed = feeds.add_feed(site.serve("/slow.rss", rss(("A", "S-1", "", "")), delay=3), "",
                          by_user_id=None, now=utcnow())
    started = time.monotonic()
    result = read_feed(feed.id)
    assert time.monotonic() - started < 2.5
    assert result["ok"] is False and "within" in result["error"]


def test_private_addresses_are_refused_directly_and_after_a_redirect(site):
    target = site.serve("/feed.rss", rss(("A", "P-1", "", "")))
    with pytest.raises(FetchError, match="private or local"):
        fetch(target, allow_private=False)
    # a public-looking first hop is not enough: every hop is checked again
    hop = site.serve("/hop", "", status=302, headers={"Location": "http://localhost:9/x"})
    with pytest.raises(FetchError, match="private or local"):
        fetch(hop, allow_private=False)
    with pytest.raises(FetchError, match="private or local"):
        fetch("http://169.254.169.254/latest/meta-data/", allow_private=False)
    with pytest.raises(FetchError, match="only http"):
        fetch("file:///etc/passwd", allow_private=False)


def test_redirects_are_followed_on_loopback_when_allowed(site):
    site.serve("/feed.rss", rss(("A", "P-1", "", "")))
    hop = site.serve("/old", "", status=301, headers={"Location": "/feed.rss"})
    assert b"P-1" in fetch(hop, allow_private=True).body
    loop = site.serve("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirects"):
        fetch(loop, allow_private=True)


def test_only_active_feeds_are_read_and_the_schedule_names_the_task(db_session, site):
    on = feeds.add_feed(site.serve("/a.rss", rss(("A", "A-1", "", ""))), "", by_user_id=None,
                        now=utcnow())
    off = feeds.add_feed(site.serve("/b.rss", rss(("B", "B-1", "", ""))), "",
                         by_user_id=None, now=utcnow())
    off.active = False
    assert feeds.active_feed_ids() == [on.id]
    assert read_feed(off.id) == {"skipped": True}
    from worker.schedule import SCHEDULE

    assert SCHEDULE["recruitment-read-feeds"]["task"] == read_feeds.name


def test_adding_a_feed_checks_the_address(db_session):
    with pytest.raises(feeds.FeedError):
        feeds.add_feed("ftp://example.org/feed", "", by_user_id=None, now=utcnow())
    feeds.add_feed("https://example.org/feed", "", by_user_id=None, now=utcnow())
    with pytest.raises(feeds.FeedError, match="already"):
        feeds.add_feed("https://example.org/feed", "", by_user_id=None, now=utcnow())
