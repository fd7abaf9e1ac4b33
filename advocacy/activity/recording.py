"""Recording an act: one INSERT into the activity record next to the act, with the unit and
role the person has then.

Clicks are *not* copied into the record: the public redirect stays one look-up and one
insert (advocacy/tracking), and the rollup counts clicks straight from the clicks table.
"""

from __future__ import annotations

from datetime import datetime

from advocacy.accounts.models import User
from advocacy.activity.models import KIND_COLUMNS, ActivityEvent
from advocacy.content.models import Post
from advocacy.extensions import db


def record_event(
    kind: str,
    *,
    user: User | None,
    now: datetime,
    post_id: int | None = None,
    ref_id: int | None = None,
    network: str | None = None,
    value: int | None = None,
) -> ActivityEvent:
    """Append one act to the record, with the unit and role the person has right now."""
    if kind not in KIND_COLUMNS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = ActivityEvent(
        kind=kind,
        occurred_at=now,
        user_id=user.id if user else None,
        unit_id=user.unit_id if user else None,
        as_leader=bool(user and user.has_role("leader")),
        post_id=post_id,
        ref_id=ref_id,
        network=network,
        value=value,
    )
    db.session.add(event)
    db.session.flush()
    return event


def minutes_since_live(post: Post, now: datetime) -> int | None:
    went_live = max(
        (t for t in (post.published_at, post.starts_at) if t is not None), default=None
    )
    if went_live is None:
        return None
    return max(0, int((now - went_live).total_seconds() // 60))
