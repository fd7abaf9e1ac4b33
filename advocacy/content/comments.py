"""Curators' comments on a post under review."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import User
from advocacy.content.errors import ContentError
from advocacy.content.models import Post, PostComment
from advocacy.extensions import db

MAX_COMMENT = 5000


def add_comment(post: Post, user: User, body: str, *, now: datetime) -> PostComment:
    body = body.strip()
    if not body:
        raise ContentError({"body": _l("Write a comment first.")})
    if len(body) > MAX_COMMENT:
        raise ContentError({"body": _l("Use at most %(n)d characters.", n=MAX_COMMENT)})
    comment = PostComment(post_id=post.id, user_id=user.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    return comment


def comments(post: Post) -> list[PostComment]:
    return list(db.session.scalars(
        select(PostComment).where(PostComment.post_id == post.id).order_by(PostComment.id)
    ))
