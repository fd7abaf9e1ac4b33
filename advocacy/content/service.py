"""Writing and publishing suggested posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from advocacy.accounts.models import Unit
from advocacy.content.models import (
    NETWORK_LIMITS,
    Network,
    Post,
    PostKind,
    PostStatus,
    PostVariant,
    Topic,
)
from advocacy.extensions import db


class ContentError(ValueError):
    """Bad post input: field -> message, shown next to the field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class PostData:
    title: str
    link: str
    kind: str = PostKind.NEWS
    status: str = PostStatus.DRAFT
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    topic_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


def link_problem(link: str):
    parts = urlsplit(link.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return _l("The link must start with http:// or https:// and name a web site.")
    return None


def text_problem(network: str, text: str):
    limit = NETWORK_LIMITS[network]
    if len(text) > limit:
        return _l(
            "%(network)s allows at most %(limit)d characters; this text has %(count)d.",
            network=network_label(network),
            limit=limit,
            count=len(text),
        )
    return None


def network_label(network: str) -> str:
    return {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X", "instagram": "Instagram"}[
        network
    ]


def validate(data: PostData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _l("A title is required.")
    elif len(data.title.strip()) > 200:
        errors["title"] = _l("Use at most %(n)d characters.", n=200)
    if problem := link_problem(data.link):
        errors["link"] = problem
    if data.kind not in PostKind.__members__.values():
        errors["kind"] = _l("Choose a kind.")
    if data.status not in PostStatus.__members__.values():
        errors["status"] = _l("Choose a status.")
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors["ends_at"] = _l("The end must come after the start.")
    for network, text in data.texts.items():
        if network not in NETWORK_LIMITS:
            errors[f"text_{network}"] = _l("Unknown network.")
        elif problem := text_problem(network, text):
            errors[f"text_{network}"] = problem
    if not any(t.strip() for t in data.texts.values()):
        errors["text_linkedin"] = _l("Write a suggested text for at least one network.")
    return errors


def _apply(post: Post, data: PostData, now: datetime) -> None:
    post.title = data.title.strip()
    post.link = data.link.strip()
    post.kind = data.kind
    if data.status == PostStatus.LIVE and post.status != PostStatus.LIVE:
        post.published_at = now
    post.status = data.status
    post.starts_at = data.starts_at
    post.ends_at = data.ends_at
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
    wanted = {n: t.strip() for n, t in data.texts.items() if t.strip()}
    for variant in list(post.variants):
        if variant.network not in wanted:
            post.variants.remove(variant)
    for network in Network:
        if network.value not in wanted:
            continue
        existing = post.variant(network.value)
        if existing:
            existing.text = wanted[network.value]
        else:
            post.variants.append(PostVariant(network=network.value, text=wanted[network.value]))


def create_post(data: PostData, *, by_user_id: int | None, now: datetime) -> Post:
    errors = validate(data)
    if errors:
        raise ContentError(errors)
    post = Post(created_by_id=by_user_id, status=PostStatus.DRAFT)
    db.session.add(post)
    _apply(post, data, now)
    db.session.flush()
    return post


def update_post(post: Post, data: PostData, *, now: datetime) -> Post:
    errors = validate(data)
    if errors:
        raise ContentError(errors)
    _apply(post, data, now)
    db.session.flush()
    return post


def publish(post: Post, *, now: datetime) -> Post:
    """Make a post live; from now on it can appear in the queues of its audience."""
    if post.status != PostStatus.LIVE:
        post.status = PostStatus.LIVE
        post.published_at = now
    db.session.flush()
    return post


def list_topics(include_archived: bool = False) -> list[Topic]:
    query = select(Topic).order_by(func.lower(Topic.name))
    if not include_archived:
        query = query.where(Topic.archived.is_(False))
    return list(db.session.scalars(query))


def create_topic(name: str, description: str = "") -> Topic:
    name = name.strip()
    if not name:
        raise ContentError({"name": _l("A name is required.")})
    if len(name) > 100:
        raise ContentError({"name": _l("Use at most %(n)d characters.", n=100)})
    # SQLite's lower() folds ASCII only: compare exactly as well, or "Øl" twice slips through.
    same = or_(Topic.name == name, func.lower(Topic.name) == name.lower())
    if db.session.scalar(select(Topic.id).where(same)):
        raise ContentError({"name": _l("A topic with this name already exists.")})
    topic = Topic(name=name, description=description.strip())
    db.session.add(topic)
    db.session.flush()
    return topic
