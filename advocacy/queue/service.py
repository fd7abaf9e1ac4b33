"""Which suggested posts an ambassador sees, and their skip/snooze choices."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, true

from advocacy.accounts.models import RoleName, User
from advocacy.accounts.reading import reading_languages
from advocacy.accounts.service import ancestor_ids
from advocacy.activity.models import EventKind
from advocacy.activity.recording import record_event
from advocacy.content.audience import audience_fits, language_fits
from advocacy.content.models import Post, PostStatus
from advocacy.content.networks import Offer, offer, profile_of
from advocacy.extensions import db
from advocacy.programme.models import Programme
from advocacy.queue.models import QueueChoice, QueueDecision, QueueImpression
from advocacy.tracking.models import Share

DEFAULT_PAGE_SIZE = 5
MAX_SNOOZE = timedelta(days=60)
# The fatigue limit counts posts first shown within this rolling window.
CAP_WINDOW = timedelta(days=7)
# A deadline (job) or an event this close counts as "near" when the cap must choose.
NEAR_DEADLINE = timedelta(days=7)


class QueueError(ValueError):
    """A queue action that cannot be done; the message is shown to the ambassador."""


# Who backs which live posts: endorsements, a feature above the queue, is wired in by
# the app (`backed_by`, advocacy/__init__.py), so the queue imports none of it. Post ids ->
# {post id: [endorsement with .leader]}.
_backing: dict[str, Callable[[Iterable[int]], dict[int, list[Any]]]] = {}


def backed_by(endorsements_of: Callable[[Iterable[int]], dict[int, list[Any]]]) -> None:
    _backing["of"] = endorsements_of


@dataclass
class QueueItem:
    post: Post
    score: int  # how many of the person's topics the post carries
    endorsements: list[Any] = field(default_factory=list)  # endorsements.models.Endorsement
    endorsed_for_me: bool = False  # endorsed by a leader of one of the person's units
    # The networks offered to this person: their own first, then "more" (docs/networks.md).
    offer: Offer = field(default_factory=Offer)


@dataclass
class Queue:
    items: list[QueueItem]
    waiting: int  # fitting posts beyond this short page


def live_posts(now: datetime):
    """Live posts inside their window; a job leaves at its application deadline."""
    return select(Post).where(
        Post.status == PostStatus.LIVE,
        or_(Post.starts_at.is_(None), Post.starts_at <= now),
        or_(Post.ends_at.is_(None), Post.ends_at > now),
        or_(Post.deadline_at.is_(None), Post.deadline_at > now),
    )


def released(user: User, now: datetime):
    """Leaders go first: others see a post only once the head start has passed."""
    minutes = _setting("leaders_first_minutes")
    if minutes <= 0 or user.has_role(RoleName.LEADER):
        return true()
    threshold = now - timedelta(minutes=minutes)
    return and_(
        or_(Post.published_at.is_(None), Post.published_at <= threshold),
        or_(Post.starts_at.is_(None), Post.starts_at <= threshold),
    )


def relevance_score(post: Post, unit_ids: set[int], topic_ids: set[int]) -> int | None:
    """Return a relevance score if the post is meant for this person, else None.

    A post aimed at units reaches those units and everything below them. A person
    who follows topics sees posts on those topics and general posts without topics;
    someone who follows none sees everything aimed at them.
    """
    if not post.variants:
        return None
    if post.units and not unit_ids.intersection(u.id for u in post.units):
        return None
    post_topics = {t.id for t in post.topics}
    overlap = len(post_topics & topic_ids)
    if topic_ids and post_topics and not overlap:
        return None
    return overlap


def rank(user: User, now: datetime, limit: int = DEFAULT_PAGE_SIZE) -> Queue:
    """The person's short queue: fitting live posts not yet shared, skipped or snoozed.

    Read-only (reminder planning and onboarding call it): it reads what the fatigue cap has
    already counted but records nothing, so looking never uses up a person's week.
    """
    shared = select(Share.post_id).where(Share.user_id == user.id)
    decided = select(QueueDecision.post_id).where(
        QueueDecision.user_id == user.id,
        or_(
            QueueDecision.choice == QueueChoice.SKIPPED,
            QueueDecision.snoozed_until > now,
        ),
    )
    candidates = db.session.scalars(
        live_posts(now).where(
            Post.id.not_in(shared), Post.id.not_in(decided), released(user, now)
        )
    ).all()
    unit_ids = ancestor_ids(user.unit_id)
    topic_ids = {t.id for t in user.topics}
    reads = reading_languages(user)
    profile = profile_of(user)
    scored = []
    for post in candidates:
        score = relevance_score(post, unit_ids, topic_ids)
        if score is None or not audience_fits(post, user.title, reads):
            continue
        networks = offer(post, profile)
        if networks:  # a job only on networks the person keeps free of job ads is left out
            scored.append(QueueItem(post, score, offer=networks))
    # Endorsed posts show who backs them and rank first for the leader's own people.
    backing = _backing["of"]([item.post.id for item in scored])
    for item in scored:
        item.endorsements = backing.get(item.post.id, [])
        item.endorsed_for_me = any(
            unit_ids & e.leader.led_unit_ids for e in item.endorsements
        )
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    scored.sort(
        key=lambda item: (item.endorsed_for_me, item.score, item.post.published_at or epoch),
        reverse=True,
    )
    scored = apply_weekly_cap(user, scored, now)
    items = scored[:limit]
    return Queue(items=items, waiting=max(0, len(scored) - limit))


def show(user: User, now: datetime, limit: int = DEFAULT_PAGE_SIZE) -> Queue:
    """The queue as the ambassador sees it on their own page: ranked, then the shown posts are
    recorded as impressions (what the weekly cap counts). Only the queue pages call this."""
    queue = rank(user, now, limit)
    record_impressions(user, [item.post.id for item in queue.items], now)
    return queue


# --- fatigue limit: kept apart from the ranking above so each can change on its own.


def weekly_cap() -> int:
    return _setting("weekly_post_cap")


def _setting(name: str) -> int:
    """A programme setting without creating the row (ranking is read-only); unset is 0."""
    programme = db.session.get(Programme, 1)
    return int(getattr(programme, name, 0) or 0) if programme is not None else 0


def endorsed_post_ids(items: list[QueueItem]) -> set[int]:
    """Endorsed posts win a place under the cap first."""
    return {item.post.id for item in items if item.endorsements}


def deadline_near(post: Post, now: datetime) -> bool:
    for moment in (post.deadline_at, post.event_at, post.ends_at):
        if moment is not None and now <= moment <= now + NEAR_DEADLINE:
            return True
    return False


def apply_weekly_cap(user: User, ranked: list[QueueItem], now: datetime) -> list[QueueItem]:
    """Keep posts already shown this week; add new ones only up to the weekly cap, endorsed and
    deadline-near posts first. The ranking order of what is kept is unchanged."""
    cap = weekly_cap()
    if cap <= 0:
        return ranked
    shown = set(db.session.scalars(
        select(QueueImpression.post_id).where(
            QueueImpression.user_id == user.id,
            QueueImpression.first_shown_at > now - CAP_WINDOW,
        )
    ))
    room = max(0, cap - len(shown))
    fresh = [item for item in ranked if item.post.id not in shown]
    endorsed = endorsed_post_ids(fresh)
    preferred = sorted(
        range(len(fresh)),
        key=lambda i: (fresh[i].post.id not in endorsed, not deadline_near(fresh[i].post, now), i),
    )
    admitted = {fresh[i].post.id for i in preferred[:room]}
    return [item for item in ranked if item.post.id in shown or item.post.id in admitted]


def record_impressions(user: User, post_ids: list[int], now: datetime) -> None:
    """Remember when each post was first shown to the person (what the cap counts)."""
    if not post_ids:
        return
    known = set(db.session.scalars(
        select(QueueImpression.post_id).where(
            QueueImpression.user_id == user.id, QueueImpression.post_id.in_(post_ids)
        )
    ))
    for post_id in post_ids:
        if post_id not in known:
            db.session.add(QueueImpression(user_id=user.id, post_id=post_id, first_shown_at=now))
    db.session.flush()


def post_for_user(user: User, post_id: int, now: datetime, *,
                  closed_too: bool = False, offered: bool = False) -> Post | None:
    """A live post this person may act on, or None (unknown, not live or not aimed at them).

    `closed_too` also returns a job whose deadline has passed (otherwise live and aimed at
    them), so the share page can say why it refuses instead of a bare "not found".
    A post the person was already offered (shown in their queue, shared, or sent in a
    reminder: `offered`) stays open to them when their reading languages change later."""
    post = db.session.get(Post, post_id)
    if post is None or not post.in_window(now):
        return None
    if post.deadline_passed(now) and not closed_too:
        return None
    held_back = select(Post.id).where(Post.id == post.id, released(user, now))
    if db.session.scalar(held_back) is None:
        return None
    if relevance_score(post, ancestor_ids(user.unit_id), set()) is None:
        return None
    if not audience_fits(post, user.title, None):
        return None
    if not language_fits(post, reading_languages(user)) and not (
            offered or was_offered(user, post)):
        return None
    return post


def was_offered(user: User, post: Post) -> bool:
    """Shown in the person's queue or shared by them: a link they hold keeps working."""
    shown = select(QueueImpression.id).where(
        QueueImpression.user_id == user.id, QueueImpression.post_id == post.id)
    shared = select(Share.id).where(Share.user_id == user.id, Share.post_id == post.id)
    return db.session.scalar(select(shown.exists() | shared.exists())) or False


def _decide(user: User, post: Post, choice: str, until: datetime | None, now: datetime):
    decision = db.session.scalar(
        select(QueueDecision).where(
            QueueDecision.user_id == user.id, QueueDecision.post_id == post.id
        )
    )
    if decision is None:
        decision = QueueDecision(user_id=user.id, post_id=post.id)
        db.session.add(decision)
    decision.choice = choice
    decision.snoozed_until = until
    decision.created_at = now
    db.session.flush()
    return decision


def skip(user: User, post: Post, now: datetime) -> QueueDecision:
    decision = _decide(user, post, QueueChoice.SKIPPED, None, now)
    record_event(EventKind.SKIP, user=user, now=now, post_id=post.id, ref_id=decision.id)
    return decision


def snooze(user: User, post: Post, until: datetime, now: datetime) -> QueueDecision:
    if until <= now:
        raise QueueError(_l("Choose a time in the future."))
    if until - now > MAX_SNOOZE:
        raise QueueError(_l("You can snooze a post for at most %(days)d days.", days=60))
    decision = _decide(user, post, QueueChoice.SNOOZED, until, now)
    record_event(EventKind.SNOOZE, user=user, now=now, post_id=post.id, ref_id=decision.id)
    return decision
