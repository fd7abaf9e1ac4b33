"""Writing a post: creating and changing it (texts, topics, units, image), each change recorded
in its history."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import Unit
from advocacy.content import alt_text
from advocacy.content.errors import ContentError
from advocacy.content.history import diff, record, snapshot
from advocacy.content.models import Network, Post, PostKind, PostStatus, PostVariant, Topic
from advocacy.content.post_input import PostData, validate
from advocacy.content.variants import VARIANT_LABELS
from advocacy.extensions import db


def _apply(post: Post, data: PostData, now: datetime) -> None:
    post.title = data.title.strip()
    post.link = data.link.strip()
    post.kind = data.kind
    if data.status == PostStatus.LIVE and post.status != PostStatus.LIVE:
        post.published_at = now
    post.status = data.status
    post.starts_at = data.starts_at
    post.ends_at = data.ends_at
    post.deadline_at = data.deadline_at if data.kind == PostKind.JOB else None
    post.place = data.place.strip() if data.kind == PostKind.JOB else ""
    post.job_reference = (data.job_reference.strip() or None) if data.kind == PostKind.JOB else None
    post.event_at = data.event_at if data.kind == PostKind.EVENT else None
    post.audience_titles = list(data.audience_titles)
    post.audience_languages = list(data.audience_languages)
    post.topics = (
        list(db.session.scalars(select(Topic).where(Topic.id.in_(data.topic_ids))))
        if data.topic_ids
        else []
    )
    post.units = (
        list(db.session.scalars(select(Unit).where(Unit.id.in_(data.unit_ids))))
        if data.unit_ids
        else []
    )
    wanted: dict[tuple[str, str], str] = {}
    for label, texts in (("A", data.texts), ("B", data.texts_b)):
        for network, text in texts.items():
            if text.strip():
                wanted[(network, label)] = text.strip()
    for variant in list(post.variants):
        if (variant.network, variant.label) not in wanted:
            post.variants.remove(variant)
    existing = {(v.network, v.label): v for v in post.variants}
    for network in Network:
        for label in VARIANT_LABELS:
            key = (network.value, label)
            if key not in wanted:
                continue
            if key in existing:
                # Shares keep their own copy of the text, so editing a live post is safe.
                existing[key].text = wanted[key]
            else:
                post.variants.append(
                    PostVariant(network=network.value, label=label, text=wanted[key])
                )


def _reference_taken(data: PostData, post_id: int | None) -> dict[str, str]:
    """A job reference names one job post: a second one would split its applications."""
    reference = data.job_reference.strip()
    if data.kind != PostKind.JOB or not reference:
        return {}
    other = db.session.scalar(select(Post.id).where(Post.job_reference == reference))
    if other is not None and other != post_id:
        return {"job_reference": _l("Another job post already has this reference.")}
    return {}


def create_post(data: PostData, *, by_user_id: int | None, now: datetime) -> Post:
    errors = validate(data) or _reference_taken(data, None)
    if errors:
        raise ContentError(errors)
    post = Post(created_by_id=by_user_id, status=PostStatus.DRAFT)
    db.session.add(post)
    _apply(post, data, now)
    db.session.flush()
    record(post, "created", by_user_id, now, diff({}, snapshot(post)))
    db.session.flush()
    return post


def update_post(post: Post, data: PostData, *, now: datetime,
                by_user_id: int | None = None) -> Post:
    """Change a post (live ones too); the history keeps what changed, by whom and when."""
    errors = validate(data) or _reference_taken(data, post.id)
    if errors:
        raise ContentError(errors)
    before = snapshot(post)
    old_status = post.status
    _apply(post, data, now)
    db.session.flush()
    changes = diff(before, snapshot(post))
    if old_status != post.status:
        changes["status"] = [old_status, post.status]
    if changes:
        record(post, "updated", by_user_id, now, changes)
        db.session.flush()
    return post


def set_image(post: Post, image_name: str | None, *, by_user_id: int | None,
              now: datetime) -> None:
    if post.image_name == image_name:
        return
    record(post, "updated", by_user_id, now, {"image": [post.image_name, image_name]})
    post.image_name = image_name
    db.session.flush()


def set_image_alt(post: Post, alt: str | None, *, by_user_id: int | None,
                  now: datetime) -> None:
    """The image's description; the caller has checked it (`alt_text.problem`)."""
    value = alt_text.clean(alt)
    if post.image_alt == value:
        return
    record(post, "updated", by_user_id, now, {"image_alt": [post.image_alt, value]})
    post.image_alt = value
    db.session.flush()
