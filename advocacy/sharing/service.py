"""Turning a suggestion into a share: the ambassador's own text and a tracked link."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from advocacy.accounts.models import User
from advocacy.activity.models import EventKind
from advocacy.activity.recording import minutes_since_live, record_event
from advocacy.content.models import NETWORK_LIMITS, Network, Post
from advocacy.content.post_input import text_problem
from advocacy.content.variants import variant_for
from advocacy.extensions import db
from advocacy.sharing.models import Share


class ShareError(ValueError):
    """A share that cannot be made; the message is shown next to the text."""


def new_token() -> str:
    # 16 random bytes: unguessable, so a token reveals nothing about others.
    return secrets.token_urlsafe(16)


def share(user: User, post: Post, network: str, text: str, now: datetime) -> Share:
    if network not in NETWORK_LIMITS:
        raise ShareError(_l("Unknown network."))
    if post.deadline_passed(now):
        raise ShareError(_l("The application deadline has passed; this job can no longer be "
                            "shared."))
    variant = variant_for(post, network, user.id)
    if variant is None:
        raise ShareError(_l("This post has no suggestion for that network."))
    text = text.strip()
    if problem := text_problem(network, text):
        raise ShareError(problem)
    record = Share(
        user_id=user.id, post_id=post.id, network=network, text=text, token=new_token(),
        created_at=now, variant_id=variant.id,
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        EventKind.SHARE, user=user, now=now, post_id=post.id, ref_id=record.id,
        network=network, value=minutes_since_live(post, now),
    )
    return record


def network_share_url(network: str, tracked_url: str, text: str) -> str | None:
    """The network's own share page; None for Instagram, which has no web share page."""
    if network == Network.LINKEDIN:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": tracked_url})
    if network == Network.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": tracked_url})
    if network == Network.X:
        return "https://x.com/intent/post?" + urlencode({"text": text, "url": tracked_url})
    return None
