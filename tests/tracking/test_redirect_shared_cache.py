"""The redirect's target cache shared by the web processes (Redis), against real servers:
every change of what a token resolves to clears it, and with PostgreSQL stopped (a server
of the test's own) every token any process has looked up still redirects."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from advocacy.accounts.models import User
from advocacy.content import editing, post_input
from advocacy.content.models import Post
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.sharing.models import Share
from advocacy.tracking import fastpath, shared_cache
from advocacy.tracking.service import find_target
from tests import factories as f
from tests.conftest import make_app, own_database, upgrade
from tests.tracking.test_redirect_faults import OwnRedis, recorded, visit


def other_process(app):
    """A second web process: the same configuration, its own in-process cache."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"],
                    TRACKING_SPOOL_DIR=app.config["TRACKING_SPOOL_DIR"],
                    REDIS_URL=app.config["REDIS_URL"], REDIRECT_COUNTED_PER_MINUTE=1000)


@pytest.fixture
def live(tmp_path):
    with own_database("advocacy_shared", tmp_path) as url:
        application = make_app(url, TRACKING_SPOOL_DIR=str(tmp_path / "spool"),
                               REDIRECT_COUNTED_PER_MINUTE=1000)
        upgrade(application)
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def new_share(app, link="https://jobb.example.no/1", **post):
    with app.app_context():
        record = f.share(f.user(), f.post(link=link, **post))
        db.session.commit()
        return record.token, record.post_id, record.id


def shared(app, token):
    return fastpath.RedirectState.for_app(app).shared.lookup(token)[0]


def location(app, token):
    response = visit(app, token)
    return response.status_code, response.headers.get("Location", "")


def test_first_look_up_fills_the_shared_cache_for_every_process(live):
    token, post_id, share_id = new_share(live)
    assert shared(live, token) is None
    assert location(live, token)[0] == 302
    cached = shared(live, token)
    assert cached[:2] == (share_id, post_id)
    assert cached[2].startswith("https://jobb.example.no/1?utm_source=linkedin")
    # a process whose database cannot answer at all still sends the visitor on, from Redis
    # (a Redis timeout of a second, not the fast path's 50 ms: on a busy machine a first
    # connection can take longer, and then the answer would come from the missing database)
    second = make_app("sqlite:////nonexistent-dir/none.db", REDIS_URL=live.config["REDIS_URL"],
                      TRACKING_SPOOL_DIR=live.config["TRACKING_SPOOL_DIR"],
                      TRACKING_REDIS_TIMEOUT=1.0)
    assert location(second, token) == (302, cached[2])


def test_a_link_edit_clears_the_entry_in_every_process(live):
    token, post_id, _ = new_share(live, "https://jobb.example.no/old")
    second = other_process(live)
    assert location(second, token)[1].startswith("https://jobb.example.no/old")
    with live.app_context():
        post = db.session.get(Post, post_id)
        data = post_input.PostData(title=post.title, link="https://jobb.example.no/new",
                                kind=post.kind, status=post.status,
                                texts={"linkedin": "Come work with us"},
                                deadline_at=post.deadline_at, place=post.place)
        editing.update_post(post, data, now=utcnow())
        db.session.commit()
    assert shared(live, token) is None
    # a process that had not cached it, and this one (its own cache is cleared at once)
    assert location(other_process(live), token)[1].startswith("https://jobb.example.no/new")
    assert location(live, token)[1].startswith("https://jobb.example.no/new")
    assert shared(live, token)[2].startswith("https://jobb.example.no/new")


def test_a_job_feed_update_clears_the_entry(live):
    from advocacy.recruitment import feeds

    token, post_id, _ = new_share(live, "https://ats.example.no/jobs/7")
    assert location(live, token)[0] == 302
    with live.app_context():
        post = db.session.get(Post, post_id)
        feeds._apply(post, feeds.Job(key="7", title=post.title,
                                     link="https://ats.example.no/jobs/7-new", reference=None,
                                     deadline_at=None, place=""), utcnow())
        db.session.commit()
    assert shared(live, token) is None
    assert location(other_process(live), token)[1].startswith("https://ats.example.no/jobs/7-new")


def test_an_edit_that_is_rolled_back_clears_nothing(live):
    token, post_id, _ = new_share(live)
    assert location(live, token)[0] == 302
    with live.app_context():
        db.session.get(Post, post_id).link = "https://jobb.example.no/never"
        db.session.flush()
        db.session.rollback()
        db.session.get(Post, post_id).title = "Only the title"  # not part of the target
        db.session.commit()
    assert shared(live, token) is not None


def test_a_deleted_share_or_post_stops_redirecting(live):
    token, _, share_id = new_share(live)
    other_token, other_post, _ = new_share(live, "https://jobb.example.no/2")
    assert location(live, token)[0] == 302 and location(live, other_token)[0] == 302
    with live.app_context():
        db.session.delete(db.session.get(Share, share_id))
        db.session.commit()
    assert shared(live, token) is None
    assert visit(other_process(live), token).status_code == 404
    with live.app_context():
        db.session.execute(delete(Share).where(Share.post_id == other_post))
        db.session.delete(db.session.get(Post, other_post))
        db.session.commit()
    assert shared(live, other_token) is None
    assert visit(other_process(live), other_token).status_code == 404


def test_erasure_drops_the_old_tokens(live):
    """Erasure changes the person's share tokens in one UPDATE: everything is dropped."""
    from advocacy.privacy import personal

    token, _, share_id = new_share(live)
    keep, _, _ = new_share(live, "https://jobb.example.no/kept")
    assert location(live, token)[0] == 302 and location(live, keep)[0] == 302
    with live.app_context():
        person = db.session.scalar(select(Share.user_id).where(Share.id == share_id))
        personal.anonymise_activity(person)
        db.session.commit()
    assert shared(live, token) is None and shared(live, keep) is None
    assert visit(other_process(live), token).status_code == 404
    assert location(other_process(live), keep)[1].startswith("https://jobb.example.no/kept")


def test_bulk_updates_of_other_columns_or_tables_keep_the_cache(live):
    token, _, _ = new_share(live)
    assert location(live, token)[0] == 302
    with live.app_context():
        db.session.execute(update(Share).where(Share.id > 0).values(text="edited"))
        db.session.execute(update(User).where(User.id > 0).values(title="Nurse"))
        db.session.commit()
    assert shared(live, token) is not None
    with live.app_context():
        db.session.execute(delete(User).where(User.email == "nobody@example.org"))
        db.session.commit()
    assert shared(live, token) is None  # a deleted person's shares go in cascade


def test_a_job_past_its_deadline_still_sends_visitors_to_the_ad(live):
    """The deadline takes a job out of queues and sharing, not out of the redirect: the
    target does not change, so there is nothing to clear (docs/tracking.md)."""
    now = utcnow()
    token, post_id, _ = new_share(live, "https://jobb.example.no/closing",
                                  deadline_at=now + timedelta(minutes=1))
    first = location(live, token)
    with live.app_context():
        db.session.get(Post, post_id).deadline_at = now - timedelta(minutes=1)
        db.session.commit()
        assert find_target(token).url == first[1]
    assert shared(live, token)[2] == first[1]
    assert location(other_process(live), token) == first


def test_a_fill_that_raced_an_invalidation_is_refused(live):
    token, post_id, share_id = new_share(live)
    cache = fastpath.RedirectState.for_app(live).shared
    seen = cache.versions()  # what a look-up reads before asking the database
    with live.app_context():
        db.session.get(Post, post_id).link = "https://jobb.example.no/newer"
        db.session.commit()
    assert not cache.fill(seen, [(token, share_id, post_id, "https://jobb.example.no/older")])
    assert shared(live, token) is None


def test_warm_writes_the_newest_shares_once_per_interval(live):
    tokens = [new_share(live, f"https://jobb.example.no/{n}")[0] for n in range(5)]
    with live.app_context():
        assert shared_cache.warm(live, limit=3, batch=2, force=True) == 3
        assert [shared(live, t) is not None for t in tokens] == [False, False, True, True, True]
        shared_cache.for_app(live).client.delete(live.config["REDIS_KEY_PREFIX"]
                                                 + shared_cache.WARM_DUE)
        assert shared_cache.warm(live) == 5
        assert shared_cache.warm(live) is None  # warmed recently: nothing to do
        db.session.execute(update(Share).where(Share.id == -1).values(token="x"))
        db.session.commit()  # a bulk token change drops everything, and the warm is due
        assert shared(live, tokens[0]) is None
        assert shared_cache.warm(live) == 5


def test_postgresql_stopped_known_tokens_redirect_and_both_down_own_cache_answers(tmp_path):
    """A PostgreSQL and a Redis of the test's own, stopped under the app: with Redis up,
    every token any process looked up redirects; with both down, this process's own cache
    still answers; a token nobody knows gets the 503. No answer waits on a timeout."""
    from bench.harness import OwnPostgres

    pg = OwnPostgres().init().start()
    server = OwnRedis(tmp_path)
    server.start()
    try:
        url = pg.create_database("shared_cache")
        config = dict(TRACKING_SPOOL_DIR=str(tmp_path / "spool"), REDIS_URL=server.url,
                      REDIRECT_COUNTED_PER_MINUTE=1000)
        web1 = make_app(url, **config)
        upgrade(web1)
        web2 = make_app(url, **config)
        nobody = new_share(web1, "https://jobb.example.no/d")[0]
        seen_by_1 = new_share(web1, "https://jobb.example.no/a")[0]
        seen_by_2 = new_share(web1, "https://jobb.example.no/b")[0]
        warmed = new_share(web1, "https://jobb.example.no/c")[0]
        assert visit(web1, seen_by_1).status_code == 302
        assert visit(web2, seen_by_2).status_code == 302
        with web1.app_context():
            assert shared_cache.warm(web1, limit=1, force=True) == 1  # the newest: c
            db.session.remove()
        pg.stop("fast")  # (immediate could lose the last commits: fsync is off)
        slowest = 0.0
        for app, token, where in ((web1, seen_by_2, "/b"), (web2, seen_by_1, "/a"),
                                  (web1, warmed, "/c"), (web2, warmed, "/c")):
            started = time.perf_counter()
            code, target = location(app, token)
            slowest = max(slowest, time.perf_counter() - started)
            assert code == 302 and target.startswith("https://jobb.example.no" + where)
        assert visit(web1, nobody).status_code == 503  # nobody knows where it goes
        server.kill()  # both down now
        for _ in range(3):
            started = time.perf_counter()
            code, target = location(web1, seen_by_1)
            slowest = max(slowest, time.perf_counter() - started)
            assert code == 302 and target.startswith("https://jobb.example.no/a")
        assert location(web2, seen_by_2)[0] == 302  # web2's own cache
        assert visit(make_app(url, **config), seen_by_1).status_code == 503  # a new process
        # generous bound (a shared 2-core machine): no request waited on a dead server
        assert slowest < 0.5
        server.start()
        pg.start()
        with web1.app_context():
            db.engine.dispose()
        with web2.app_context():
            db.engine.dispose()
        fastpath.RedirectState.for_app(web1).redis_breaker.success()
        fastpath.RedirectState.for_app(web2).redis_breaker.success()
        # clicks: 2 before the outage, 4 with Redis up, 4 spooled with both down
        assert recorded(web1) == 10
    finally:
        server.kill()
        pg.cleanup()
