"""A post's history: snapshots of its editable content, what changed, and the revision rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from advocacy.content.models import Post, PostRevision
from advocacy.extensions import db


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(post: Post) -> dict[str, Any]:
    """The post's editable content as JSON-safe values, for the history."""
    return {
        "title": post.title,
        "link": post.link,
        "kind": post.kind,
        "starts_at": _iso(post.starts_at),
        "ends_at": _iso(post.ends_at),
        "deadline_at": _iso(post.deadline_at),
        "place": post.place or "",
        "job_reference": post.job_reference or "",
        "event_at": _iso(post.event_at),
        "image": post.image_name,
        "topics": sorted(t.name for t in post.topics),
        "units": sorted(u.name for u in post.units),
        "professions": list(post.audience_titles or []),
        "languages": list(post.audience_languages or []),
        **{f"text_{v.network}_{v.label}": v.text for v in post.variants},
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(post: Post, action: str, user_id: int | None, now: datetime,
           changes: dict | None = None) -> PostRevision:
    revision = PostRevision(
        post_id=post.id, user_id=user_id, action=action, changes=changes or {}, created_at=now
    )
    db.session.add(revision)
    return revision

def history(post: Post) -> list[PostRevision]:
    return list(db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id)
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
    ))
