"""Writing, reviewing and publishing suggested posts; topics."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select, update

from advocacy.accounts.models import Unit, User, user_topics
from advocacy.config import LANGUAGES, NORWEGIAN
from advocacy.content import alt_text
from advocacy.content.models import (
    NETWORK_LIMITS,
    Network,
    Post,
    PostComment,
    PostKind,
    PostRevision,
    PostStatus,
    PostVariant,
    Topic,
    post_topics,
)
from advocacy.extensions import db

VARIANT_LABELS = ("A", "B")


class ContentError(ValueError):
    """Bad post input: field -> message, shown next to the field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class ReviewError(ValueError):
    """A review step that is not allowed now; the message says why."""


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
    # Optional B texts for an A/B test, per network.
    texts_b: dict[str, str] = field(default_factory=dict)
    deadline_at: datetime | None = None
    place: str = ""
    event_at: datetime | None = None
    audience_titles: list[str] = field(default_factory=list)
    audience_languages: list[str] = field(default_factory=list)
    # Jobs: the applicant-tracking system's reference (applications are reported against it).
    job_reference: str = ""


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


def split_list(value: str) -> list[str]:
    """'nurse, doctor;  cook' -> ['nurse', 'doctor', 'cook'] (form fields for professions)."""
    parts = value.replace(";", ",").split(",")
    seen: list[str] = []
    for part in parts:
        part = " ".join(part.split())
        if part and part.casefold() not in {s.casefold() for s in seen}:
            seen.append(part)
    return seen


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
    if data.kind == PostKind.JOB:
        if data.deadline_at is None:
            errors["deadline_at"] = _l("A job opening needs an application deadline.")
        if not data.place.strip():
            errors["place"] = _l("A job opening needs a place of work.")
    if len(data.place.strip()) > 200:
        errors["place"] = _l("Use at most %(n)d characters.", n=200)
    if len(data.job_reference.strip()) > 100:
        errors["job_reference"] = _l("Use at most %(n)d characters.", n=100)
    if data.kind == PostKind.EVENT and data.event_at is None:
        errors["event_at"] = _l("An event needs a date and time.")
    for key, texts in (("text", data.texts), ("text_b", data.texts_b)):
        for network, text in texts.items():
            name = f"text_{network}" if key == "text" else f"text_{network}_b"
            if network not in NETWORK_LIMITS:
                errors[name] = _l("Unknown network.")
            elif problem := text_problem(network, text):
                errors[name] = problem
    for network, text in data.texts_b.items():
        if text.strip() and not data.texts.get(network, "").strip():
            errors[f"text_{network}_b"] = _l("Write the main text (A) before an alternative (B).")
    if not any(t.strip() for t in data.texts.values()):
        errors["text_linkedin"] = _l("Write a suggested text for at least one network.")
    if any(code not in LANGUAGES for code in data.audience_languages):
        errors["audience_languages"] = _l("Unknown language.")
    if any(len(t) > 100 for t in data.audience_titles):
        errors["audience_titles"] = _l("Use at most %(n)d characters.", n=100)
    return errors


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
                # Shares keep their own copy of the text, so editing a live post is safe (M13).
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


# --- review workflow: draft -> in_review -> live (shown as scheduled before it starts) ->
# archived.


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


def approve(post: Post, user: User, *, now: datetime, require_second: bool) -> Post:
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


def publish(post: Post, *, now: datetime) -> Post:
    """Make a post live; from now on it can appear in the queues of its audience."""
    if post.status != PostStatus.LIVE:
        post.status = PostStatus.LIVE
        post.published_at = now
    db.session.flush()
    return post


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


def history(post: Post) -> list[PostRevision]:
    return list(db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id)
        .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
    ))


# --- audience and A/B variants


def audience_fits(post: Post, title: str | None,
                  languages: str | Iterable[str] | None) -> bool:
    """Professions and languages (M12); units are matched in the queue with the unit tree.

    A profession matches when it appears in the person's job title ("sykepleier" reaches
    "Intensivsykepleier"). `languages` are the person's reading languages (one code or
    several; docs/i18n.md): a person who chose none is not excluded by language.
    Bokmål and Nynorsk readers read each other's written form: a post for either reaches both.
    """
    titles = post.audience_titles or []
    if titles:
        own = (title or "").casefold()
        if not own or not any(t.casefold() in own for t in titles):
            return False
    return language_fits(post, languages)


def language_fits(post: Post, languages: str | Iterable[str] | None) -> bool:
    """A post without languages fits every reader; a reader who chose none reads every post;
    otherwise they share a language (nb and nn counting as one, see audience_fits)."""
    wanted = set(post.audience_languages or [])
    if wanted & NORWEGIAN:
        wanted |= NORWEGIAN
    reads = {languages} if isinstance(languages, str) else set(languages or ())
    return not (wanted and reads and not (wanted & reads))


# Shares and their clicks are counted above content (tracking, activity.clicks): the app wires
# the counting in (`count_shares_with`, advocacy/__init__.py), so content imports neither.
# "per_variant": post id -> (shares, human clicks) per variant id; "per_topic": () -> shares
# per topic id.
_share_counts: dict[str, Callable[..., Any]] = {}


def count_shares_with(*, per_variant: Callable[[int], tuple[dict, dict]],
                      per_topic: Callable[[], dict[int, int]]) -> None:
    _share_counts.update(per_variant=per_variant, per_topic=per_topic)


def variant_for(post: Post, network: str, user_id: int) -> PostVariant | None:
    """Each person always gets the same one of a network's A/B texts, split evenly by id."""
    variants = post.variants_for(network)
    if not variants:
        return None
    return variants[user_id % len(variants)]


def variant_stats(post: Post) -> list[dict[str, Any]]:
    """Shares and human clicks per variant (M13), clicks through their one owner (raw rows
    plus what retention pruned), so old months are not undercounted."""
    shares, clicks = _share_counts["per_variant"](post.id)
    rows = [
        {"variant": v, "shares": shares.get(v.id, 0), "clicks": clicks.get(v.id, 0)}
        for v in sorted(post.variants, key=lambda v: (v.network, v.label))
    ]
    return rows


# --- topics (M3)


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
    shares = _share_counts["per_topic"]()
    ids = set(followers) | set(posts) | set(shares)
    return {
        tid: {"followers": followers.get(tid, 0), "posts": posts.get(tid, 0),
              "shares": shares.get(tid, 0)}
        for tid in ids
    }
