"""The public redirect: record a click and send the visitor on, quickly and without an IP."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawlerdetect import CrawlerDetect
from sqlalchemy import select

from advocacy.content.models import Post
from advocacy.extensions import db
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

_crawlers = CrawlerDetect()


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


def with_utm(link: str, network: str, post_id: int) -> str:
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_")]
    query += [
        ("utm_source", network),
        ("utm_medium", "employee_advocacy"),
        ("utm_campaign", f"post-{post_id}"),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def record_click(token: str, meta: RequestMeta, *, secret: str, now: datetime) -> str | None:
    """Look the token up by its index, insert one click, return where to send the visitor."""
    row = db.session.execute(
        select(Share.id, Share.network, Post.id, Post.link)
        .join(Post, Post.id == Share.post_id)
        .where(Share.token == token)
    ).first()
    if row is None:
        return None
    share_id, network, post_id, link = row
    db.session.add(
        Click(
            share_id=share_id,
            created_at=now,
            visitor_hash=visitor_hash(secret, meta, now),
            referrer_host=referrer_host(meta.referrer),
            is_bot=is_bot(meta.user_agent),
        )
    )
    db.session.flush()
    return with_utm(link, network, post_id)
