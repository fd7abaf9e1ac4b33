"""Endorsing posts, asking leaders to endorse, and kudos: the visible backing of leaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accounts.models import RoleName, User
from advocacy.accounts.service import descendant_ids
from advocacy.activity.models import EventKind
from advocacy.activity.recording import record_event
from advocacy.content.models import Post, PostStatus
from advocacy.endorsements.models import NOTE_MAX, Endorsement, EndorsementRequest, Kudos
from advocacy.extensions import db
from advocacy.sharing.models import Share


class EndorsementError(ValueError):
    """An endorsement or kudos that cannot be made; the message is shown to the user."""


def _clean_note(note: str, *, required: bool = False) -> str:
    note = (note or "").strip()
    if required and not note:
        raise EndorsementError(_l("Write a short message."))
    if len(note) > NOTE_MAX:
        raise EndorsementError(_l("Use at most %(n)d characters.", n=NOTE_MAX))
    return note


def is_leader(user: User) -> bool:
    return user.has_role(RoleName.LEADER) and bool(user.led_unit_ids)


def endorsable(post: Post) -> bool:
    return post.status == PostStatus.LIVE


def endorse(leader: User, post: Post, note: str, now: datetime) -> Endorsement:
    """Endorse (or re-endorse) a live post; answering any open request for it."""
    if not is_leader(leader):
        raise EndorsementError(_l("Only leaders can endorse posts."))
    if not endorsable(post):
        raise EndorsementError(_l("Only live posts can be endorsed."))
    note = _clean_note(note)
    endorsement = db.session.scalar(
        select(Endorsement).where(Endorsement.post_id == post.id,
                                  Endorsement.leader_id == leader.id)
    )
    if endorsement is None:
        endorsement = Endorsement(post_id=post.id, leader_id=leader.id)
        db.session.add(endorsement)
    elif endorsement.withdrawn_at is None and endorsement.note == note:
        return endorsement
    endorsement.note = note
    endorsement.created_at = now
    endorsement.withdrawn_at = None
    for request in db.session.scalars(
        select(EndorsementRequest).where(
            EndorsementRequest.post_id == post.id, EndorsementRequest.leader_id == leader.id,
            EndorsementRequest.answered_at.is_(None),
        )
    ):
        request.answered_at = now
    db.session.flush()
    record_event(EventKind.ENDORSE, user=leader, now=now, post_id=post.id, ref_id=endorsement.id)
    return endorsement


def withdraw(leader: User, post: Post, now: datetime) -> bool:
    endorsement = db.session.scalar(
        select(Endorsement).where(Endorsement.post_id == post.id,
                                  Endorsement.leader_id == leader.id,
                                  Endorsement.withdrawn_at.is_(None))
    )
    if endorsement is None:
        return False
    endorsement.withdrawn_at = now
    db.session.flush()
    return True


def active_endorsements(post_ids: Iterable[int]) -> dict[int, list[Endorsement]]:
    post_ids = list(post_ids)
    out: dict[int, list[Endorsement]] = defaultdict(list)
    if not post_ids:
        return out
    for endorsement in db.session.scalars(
        select(Endorsement)
        .where(Endorsement.post_id.in_(post_ids), Endorsement.withdrawn_at.is_(None))
        .order_by(Endorsement.created_at)
    ):
        out[endorsement.post_id].append(endorsement)
    return out


def leaders() -> list[User]:
    return [
        u for u in db.session.scalars(
            select(User).where(User.active.is_(True), User.roles.any(name=RoleName.LEADER))
            .order_by(User.name)
        ) if u.led_unit_ids
    ]


def request_endorsement(
    post: Post, leader: User, *, by: User, note: str, now: datetime
) -> EndorsementRequest:
    """A curator asks a leader; the leader sees it at the top of their endorsement page."""
    if not is_leader(leader):
        raise EndorsementError(_l("Choose a leader."))
    if not endorsable(post):
        raise EndorsementError(_l("Only live posts can be endorsed."))
    note = _clean_note(note)
    request = db.session.scalar(
        select(EndorsementRequest).where(EndorsementRequest.post_id == post.id,
                                         EndorsementRequest.leader_id == leader.id)
    )
    if request is None:
        request = EndorsementRequest(post_id=post.id, leader_id=leader.id)
        db.session.add(request)
    request.requested_by_id = by.id
    request.note = note
    request.created_at = now
    request.answered_at = None
    db.session.flush()
    return request


def open_requests(leader: User) -> list[EndorsementRequest]:
    return list(db.session.scalars(
        select(EndorsementRequest)
        .join(Post, Post.id == EndorsementRequest.post_id)
        .where(EndorsementRequest.leader_id == leader.id,
               EndorsementRequest.answered_at.is_(None), Post.status == PostStatus.LIVE)
        .order_by(EndorsementRequest.created_at.desc())
    ))


def led_people_ids(leader: User) -> set[int]:
    units = descendant_ids(leader.led_unit_ids)
    if not units:
        return set()
    return set(db.session.scalars(select(User.id).where(User.unit_id.in_(units))))


def give_kudos(leader: User, recipient: User, message: str, now: datetime) -> Kudos:
    """Recognition from a leader to someone in their units."""
    if not is_leader(leader):
        raise EndorsementError(_l("Only leaders can give kudos."))
    if recipient.id == leader.id or recipient.id not in led_people_ids(leader):
        raise EndorsementError(_l("Choose someone in your units."))
    kudos = Kudos(from_user_id=leader.id, to_user_id=recipient.id,
                  message=_clean_note(message, required=True), created_at=now)
    db.session.add(kudos)
    db.session.flush()
    record_event(EventKind.KUDOS_GIVEN, user=leader, now=now, ref_id=kudos.id)
    record_event(EventKind.KUDOS_RECEIVED, user=recipient, now=now, ref_id=kudos.id)
    return kudos


def kudos_for(user_id: int, limit: int = 50) -> list[Kudos]:
    return list(db.session.scalars(
        select(Kudos).where(Kudos.to_user_id == user_id)
        .order_by(Kudos.created_at.desc()).limit(limit)
    ))


def kudos_sent_by(leader_id: int, limit: int = 50) -> list[Kudos]:
    return list(db.session.scalars(
        select(Kudos).where(Kudos.from_user_id == leader_id)
        .order_by(Kudos.created_at.desc()).limit(limit)
    ))


def endorsed_shares(user_id: int, limit: int = 100) -> list[tuple]:
    """The person's shares of posts that a leader endorsed: (share, post title, leader names)."""
    rows = db.session.execute(
        select(Share, Post.title, User.name)
        .join(Post, Post.id == Share.post_id)
        .join(Endorsement, Endorsement.post_id == Share.post_id)
        .join(User, User.id == Endorsement.leader_id)
        .where(Share.user_id == user_id, Endorsement.withdrawn_at.is_(None))
        .order_by(Share.created_at.desc())
    ).tuples()
    grouped: dict[int, tuple] = {}
    for share, title, leader_name in rows:
        if share.id in grouped:
            grouped[share.id][2].append(leader_name)
        elif len(grouped) < limit:
            grouped[share.id] = (share, title, [leader_name])
    return list(grouped.values())
