"""The review workflow: draft -> in_review -> live (shown as scheduled before it starts) ->
archived; four eyes when the programme asks for a second curator."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import User
from advocacy.content.comments import add_comment
from advocacy.content.errors import ReviewError
from advocacy.content.history import record
from advocacy.content.models import Post, PostRevision, PostStatus
from advocacy.extensions import db


def _set_status(post: Post, status: str, action: str, user: User, now: datetime) -> None:
    record(post, action, user.id, now, {"status": [post.status, status]})
    post.status = status


def submit_for_review(post: Post, user: User, *, now: datetime) -> Post:
    if post.status != PostStatus.DRAFT:
        raise ReviewError(_l("Only drafts can be sent for review."))
    _set_status(post, PostStatus.IN_REVIEW, "submitted", user, now)
    post.submitted_by_id = user.id
    post.submitted_at = now
    db.session.flush()
    return post


def last_editor_id(post: Post) -> int | None:
    return db.session.scalar(
        select(PostRevision.user_id)
        .where(PostRevision.post_id == post.id, PostRevision.action.in_(("created", "updated")))
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        .limit(1)
    )


def approve_and_publish(post: Post, user: User, *, now: datetime, require_second: bool) -> Post:
    """Publish a post. With the second-approval setting, someone else than the curator who sent
    it for review (and who last changed it) must approve it."""
    if post.status not in (PostStatus.DRAFT, PostStatus.IN_REVIEW):
        raise ReviewError(_l("Only drafts and posts in review can be approved."))
    if require_second:
        if post.status != PostStatus.IN_REVIEW:
            raise ReviewError(_l("This programme needs a second curator: send it for review."))
        if user.id in {post.submitted_by_id, last_editor_id(post)}:
            raise ReviewError(
                _l("Another curator must approve this post: you sent it or changed it last.")
            )
    _set_status(post, PostStatus.LIVE, "approved", user, now)
    post.approved_by_id = user.id
    post.approved_at = now
    post.published_at = now
    db.session.flush()
    return post


def return_to_draft(post: Post, user: User, reason: str, *, now: datetime) -> Post:
    if post.status != PostStatus.IN_REVIEW:
        raise ReviewError(_l("Only posts in review can be sent back."))
    _set_status(post, PostStatus.DRAFT, "returned", user, now)
    if reason.strip():
        add_comment(post, user, reason, now=now)
    db.session.flush()
    return post


def archive(post: Post, user: User, *, now: datetime) -> Post:
    if post.status == PostStatus.ARCHIVED:
        raise ReviewError(_l("The post is already archived."))
    _set_status(post, PostStatus.ARCHIVED, "archived", user, now)
    db.session.flush()
    return post


def reopen(post: Post, user: User, *, now: datetime) -> Post:
    """An archived post goes back to draft (and through review again)."""
    if post.status != PostStatus.ARCHIVED:
        raise ReviewError(_l("Only archived posts can be reopened."))
    _set_status(post, PostStatus.DRAFT, "reopened", user, now)
    db.session.flush()
    return post
