"""Topics: listing, creating, renaming, archiving and merging them, and their figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select, update

from advocacy.accounts.models import User, user_topics
from advocacy.content.counting import share_counts
from advocacy.content.errors import ContentError
from advocacy.content.models import Topic, post_topics
from advocacy.extensions import db


def list_topics(include_archived: bool = False) -> list[Topic]:
    query = select(Topic).order_by(func.lower(Topic.name))
    if not include_archived:
        query = query.where(Topic.archived.is_(False))
    return list(db.session.scalars(query))


def _check_topic_name(name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ContentError({"name": _l("A name is required.")})
    if len(name) > 100:
        raise ContentError({"name": _l("Use at most %(n)d characters.", n=100)})
    # SQLite's lower() folds ASCII only: compare exactly as well, or "Øl" twice slips through.
    same = or_(Topic.name == name, func.lower(Topic.name) == name.lower())
    query = select(Topic.id).where(same)
    if exclude_id is not None:
        query = query.where(Topic.id != exclude_id)
    if db.session.scalar(query):
        raise ContentError({"name": _l("A topic with this name already exists.")})
    return name


def create_topic(name: str, description: str = "") -> Topic:
    name = _check_topic_name(name)
    if len(description.strip()) > 1000:
        raise ContentError({"description": _l("Use at most %(n)d characters.", n=1000)})
    topic = Topic(name=name, description=description.strip())
    db.session.add(topic)
    db.session.flush()
    return topic


def update_topic(topic: Topic, name: str, description: str) -> Topic:
    topic.name = _check_topic_name(name, exclude_id=topic.id)
    if len(description.strip()) > 1000:
        raise ContentError({"description": _l("Use at most %(n)d characters.", n=1000)})
    topic.description = description.strip()
    db.session.flush()
    return topic


def set_topic_archived(topic: Topic, archived: bool) -> Topic:
    """Archived topics are no longer offered; posts and followers keep them."""
    if not archived and topic.merged_into_id:
        raise ContentError({"name": _l("A merged topic cannot be brought back.")})
    topic.archived = archived
    db.session.flush()
    return topic


def merge_topics(source: Topic, target: Topic) -> Topic:
    """Move posts and followers of source to target (no duplicates), then archive source."""
    if source.id == target.id:
        raise ContentError({"target_id": _l("Choose another topic to merge into.")})
    if target.archived:
        raise ContentError({"target_id": _l("You cannot merge into an archived topic.")})
    for table, key in ((post_topics, post_topics.c.post_id), (user_topics, user_topics.c.user_id)):
        already = select(key).where(table.c.topic_id == target.id)
        moving = select(key, db.literal(target.id)).where(
            table.c.topic_id == source.id, key.not_in(already)
        )
        db.session.execute(insert(table).from_select([key.name, "topic_id"], moving))
        db.session.execute(delete(table).where(table.c.topic_id == source.id))
    source.archived = True
    source.merged_into_id = target.id
    db.session.execute(
        update(Topic).where(Topic.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    db.session.flush()
    db.session.expire_all()
    return target


def topic_stats() -> dict[int, dict[str, int]]:
    """Followers, posts and shares per topic, in three grouped queries."""
    followers = dict(db.session.execute(
        select(user_topics.c.topic_id, func.count())
        .join(User, User.id == user_topics.c.user_id)
        .where(User.active.is_(True))
        .group_by(user_topics.c.topic_id)
    ).tuples().all())
    posts = dict(db.session.execute(
        select(post_topics.c.topic_id, func.count()).group_by(post_topics.c.topic_id)
    ).tuples().all())
    shares = share_counts["per_topic"]()
    ids = set(followers) | set(posts) | set(shares)
    return {
        tid: {"followers": followers.get(tid, 0), "posts": posts.get(tid, 0),
              "shares": shares.get(tid, 0)}
        for tid in ids
    }
