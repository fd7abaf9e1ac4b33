"""The public redirect: record a click and send the visitor on, quickly and without an IP."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from sqlalchemy import select

from advocacy.content.models import Post
from advocacy.db import insert_or_ignore
from advocacy.extensions import db
from advocacy.tracking.models import Click, Share

log = logging.getLogger(__name__)


def visitor_hash_parts(secret: str, now: datetime, remote_addr: str, user_agent: str) -> str:
    material = "\x1f".join((secret, now.date().isoformat(), remote_addr, user_agent))
    return hashlib.sha256(material.encode()).hexdigest()


def referrer_host(referrer: str | None) -> str | None:
    if not referrer:
        return None
    host = urlsplit(referrer).hostname
    return host[:255] if host else None


def with_utm(link: str, network: str, post_id: int, reference: str | None = None) -> str:
    """UTM tags for the target; utm_content is the share's reference, for an ATS to report back."""
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_")]
    query += [
        ("utm_source", network),
        ("utm_medium", "employee_advocacy"),
        ("utm_campaign", f"post-{post_id}"),
    ]
    if reference:
        query.append(("utm_content", reference))
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class Target:
    share_id: int
    url: str
    post_id: int


def find_target(token: str) -> Target | None:
    """One indexed look-up; an unknown token and a malformed one look the same (404)."""
    row = db.session.execute(
        select(Share.id, Share.network, Post.id, Post.link, Share.reference)
        .join(Post, Post.id == Share.post_id)
        .where(Share.token == token)
    ).first()
    if row is None:
        return None
    share_id, network, post_id, link, reference = row
    return Target(share_id, with_utm(link, network, post_id, reference), post_id)


def store_clicks(items: list[dict]) -> int:
    """Insert clicks idempotently (keyed by click id): a batch replayed twice adds nothing.

    A click of a share erased meanwhile is not kept. Returns the rows actually inserted.
    """
    if not items:
        return 0
    known = set(db.session.scalars(
        select(Share.id).where(Share.id.in_({int(d["share_id"]) for d in items}))))
    rows = []
    for data in items:
        if int(data["share_id"]) not in known:
            continue
        rows.append({
            "click_id": data.get("click_id") or uuid.uuid4().hex,
            "share_id": int(data["share_id"]),
            "created_at": datetime.fromisoformat(data["created_at"]),
            "visitor_hash": data["visitor_hash"],
            "referrer_host": data.get("referrer_host"),
            "is_bot": bool(data["is_bot"]),
            "is_repeat": bool(data.get("is_repeat", False)),
        })
    if not rows:
        return 0
    statement = insert_or_ignore(Click.__table__, db.session, ["click_id", "created_at"])
    # executemany with RETURNING (SQLAlchemy's insertmanyvalues): only new rows come back
    inserted = len(db.session.execute(statement.returning(Click.__table__.c.id), rows).all())
    db.session.flush()
    return inserted


# --- Redis side: the buffer for clicks the database refused, drained into the database ---

PENDING = "clicks:pending"
DRAIN_LEASE = 30  # seconds the drain holds the stream, renewed after each batch


def drain_pending_clicks(commit, batch: int = 1000, budget_seconds: float = 50.0) -> int:
    """Move waiting clicks (this host's spool, the Redis stream, the old list) into the
    database in batches: at least once (deleted from Redis only after the commit), and
    idempotent (keyed by click id), so a crash in between only repeats work."""
    import time

    from advocacy import kv
    from advocacy.tracking import fastpath

    moved = fastpath.state().spool.replay_into_database(commit)
    r = fastpath.drain_client()
    try:
        # A lease renewed after every batch: a drain whose release failed (Redis went
        # away meanwhile) holds the stream for DRAIN_LEASE seconds at most, not minutes.
        lock = r.lock(kv.key(PENDING, "lock"), timeout=DRAIN_LEASE, blocking=False)
        if not lock.acquire(blocking=False):
            return moved
    except redis.RedisError as exc:
        log.warning("click stream not drained, Redis unavailable: %s", exc)
        return moved
    deadline = time.monotonic() + budget_seconds
    try:
        stream = fastpath.stream_key()
        while time.monotonic() < deadline:
            # redis-py types a reply as `Awaitable | reply`; the sync client's is the reply
            entries = cast(list[tuple[bytes, dict[bytes, bytes]]],
                           r.xrange(stream, "-", "+", count=batch))
            if not entries:
                break
            items = [item for item in (fastpath.decode_entry(f) for _, f in entries) if item]
            _bound_statements()
            moved += store_clicks(items)
            commit()
            r.xdel(stream, *[entry_id for entry_id, _ in entries])
            if not _renewed(lock):
                return moved
        while time.monotonic() < deadline:  # clicks buffered by an older version
            # redis-py types a reply as `Awaitable | reply`; the sync client's is the reply
            raw = cast(list[bytes], r.lrange(kv.key(PENDING), 0, batch - 1))
            if not raw:
                break
            items = []
            for item in raw:
                try:
                    items.append(json.loads(item))
                except ValueError:
                    log.warning("dropping malformed buffered click")
            _bound_statements()
            moved += store_clicks(items)
            commit()
            r.ltrim(kv.key(PENDING), len(raw), -1)
            if not _renewed(lock):
                return moved
    finally:
        try:
            lock.release()
        except redis.RedisError:
            pass
    return moved


def _bound_statements() -> None:
    """On PostgreSQL, this transaction's statements and lock waits end within
    TRACKING_DRAIN_TIMEOUT_MS (default 10 s; a locked clicks table, a server going away):
    the batch then fails, its clicks stay in Redis for the retry, and no batch outlives the
    drain's lease."""
    from flask import current_app
    from sqlalchemy import text

    if db.session.get_bind().dialect.name == "postgresql":
        ms = int(current_app.config.get("TRACKING_DRAIN_TIMEOUT_MS", 10_000))
        db.session.execute(text("SELECT set_config('statement_timeout', :ms, true), "
                                "set_config('lock_timeout', :ms, true)"), {"ms": str(ms)})


def _renewed(lock) -> bool:
    """Renew the drain's lease; False when it ran out and another drain holds the stream
    now (this one stops: the other carries on, and a batch done twice adds nothing)."""
    try:
        lock.reacquire()
    except redis.exceptions.LockNotOwnedError:
        return False
    return True


def pending_count() -> int:
    """Clicks waiting anywhere (stream, old list, this host's spool): 0 once drained."""
    from advocacy import kv
    from advocacy.tracking import fastpath

    waiting = fastpath.state().spool.count()
    try:
        pipe = fastpath.drain_client().pipeline()
        pipe.xlen(fastpath.stream_key())
        pipe.llen(kv.key(PENDING))
        waiting += sum(int(n) for n in pipe.execute())
    except redis.RedisError:
        pass
    return waiting


def drain_until_empty(commit, timeout: float = 60.0) -> int:
    """Drain until nothing waits (stream, spool), or the deadline: what a test or the
    benchmark waits on before comparing recorded clicks with the requests it sent."""
    import time

    deadline = time.monotonic() + timeout
    moved = drain_pending_clicks(commit)
    while pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)  # another drainer may hold the lock: poll with a deadline
        moved += drain_pending_clicks(commit)
    return moved
