"""The public redirect: record a click and send the visitor on, quickly and without an IP."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from crawlerdetect import CrawlerDetect
from sqlalchemy import select

from advocacy.content.models import Post
from advocacy.extensions import db
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

_crawlers = CrawlerDetect()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestMeta:
    remote_addr: str
    user_agent: str
    referrer: str | None


def is_bot(user_agent: str) -> bool:
    """Link-preview fetchers and crawlers (a maintained list); a missing user agent is no person."""
    if not user_agent.strip():
        return True
    return bool(_crawlers.isCrawler(user_agent))


def visitor_hash(secret: str, meta: RequestMeta, now: datetime) -> str:
    """Same visitor, same day, same hash; the day in the input stops linking across days."""
    material = "\x1f".join((secret, now.date().isoformat(), meta.remote_addr, meta.user_agent))
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
    return Target(share_id, with_utm(link, network, post_id, reference))


def click_data(
    share_id: int, meta: RequestMeta, *, secret: str, now: datetime, is_repeat: bool = False,
    hashed: str | None = None,
) -> dict:
    """The click as plain JSON-able data, so it can wait in Redis if the database cannot take it."""
    return {
        "share_id": share_id,
        "created_at": now.isoformat(),
        "visitor_hash": hashed or visitor_hash(secret, meta, now),
        "referrer_host": referrer_host(meta.referrer),
        "is_bot": is_bot(meta.user_agent),
        "is_repeat": is_repeat,
    }


def insert_click(data: dict) -> Click:
    click = Click(
        share_id=data["share_id"],
        created_at=datetime.fromisoformat(data["created_at"]),
        visitor_hash=data["visitor_hash"],
        referrer_host=data["referrer_host"],
        is_bot=bool(data["is_bot"]),
        is_repeat=bool(data.get("is_repeat", False)),
    )
    db.session.add(click)
    db.session.flush()
    return click


def record_click(
    token: str, meta: RequestMeta, *, secret: str, now: datetime, is_repeat: bool = False
) -> str | None:
    """Look the token up by its index, insert one click, return where to send the visitor."""
    target = find_target(token)
    if target is None:
        return None
    insert_click(click_data(target.share_id, meta, secret=secret, now=now, is_repeat=is_repeat))
    return target.url


# --- Redis side: repeat flag, rate limit, and the buffer for clicks the database refused ---

PENDING = "clicks:pending"
REPEAT_WINDOW = 3600


def first_click_this_hour(share_id: int, hashed: str) -> bool:
    """SET NX with a one-hour TTL: True for the first click, False for repeats (no DB look-up)."""
    from advocacy import kv

    try:
        return bool(kv.client().set(kv.key("repeat", share_id, hashed), 1, nx=True,
                                     ex=REPEAT_WINDOW))
    except redis.RedisError as exc:
        log.warning("repeat flag not checked, Redis unavailable: %s", exc)
        return True


def buffer_click(data: dict) -> bool:
    """Keep a click the database refused; the drain job inserts it later."""
    from advocacy import kv

    try:
        kv.client().rpush(kv.key(PENDING), json.dumps(data))
        return True
    except redis.RedisError as exc:
        log.error("click lost: database and Redis both unavailable: %s", exc)
        return False


def drain_pending_clicks(commit, batch: int = 500) -> int:
    """Insert buffered clicks in batches (at least once: trimmed only after the commit)."""
    from advocacy import kv

    r = kv.client()
    lock = r.lock(kv.key(PENDING, "lock"), timeout=120, blocking=False)
    if not lock.acquire(blocking=False):
        return 0
    moved = 0
    try:
        while True:
            raw = r.lrange(kv.key(PENDING), 0, batch - 1)
            if not raw:
                break
            known = set()
            items = []
            for item in raw:
                try:
                    data = json.loads(item)
                    items.append(data)
                    known.add(int(data["share_id"]))
                except (ValueError, KeyError, TypeError):
                    log.warning("dropping malformed buffered click")
            existing = set(db.session.scalars(select(Share.id).where(Share.id.in_(known))))
            for data in items:
                # a share erased meanwhile: its click is not kept
                if int(data["share_id"]) in existing:
                    insert_click(data)
                    moved += 1
            commit()
            r.ltrim(kv.key(PENDING), len(raw), -1)
    finally:
        lock.release()
    return moved


def pending_count() -> int:
    from advocacy import kv

    try:
        return int(kv.client().llen(kv.key(PENDING)))
    except redis.RedisError:
        return 0
