"""Onboarding: purpose, guidelines accepted per version, topics and networks."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.accounts.reading import ReadingLanguageError, set_reading_languages
from advocacy.content.models import NETWORK_LIMITS, Topic
from advocacy.extensions import db
from advocacy.onboarding.models import AmbassadorProfile, GuidelineAcceptance
from advocacy.queue.service import rank


class OnboardingError(ValueError):
    """A choice that cannot be saved; the message is shown."""


def accepted_version(user: User) -> int | None:
    return db.session.scalar(
        select(func.max(GuidelineAcceptance.version)).where(GuidelineAcceptance.user_id == user.id)
    )


def needs_guidelines(user: User, current_version: int) -> bool:
    """A new guidelines version asks everyone again."""
    accepted = accepted_version(user)
    return accepted is None or accepted < current_version


def accept_guidelines(user: User, version: int, *, now: datetime) -> GuidelineAcceptance:
    existing = db.session.scalar(
        select(GuidelineAcceptance).where(
            GuidelineAcceptance.user_id == user.id, GuidelineAcceptance.version == version
        )
    )
    if existing:
        return existing
    acceptance = GuidelineAcceptance(user_id=user.id, version=version, accepted_at=now)
    db.session.add(acceptance)
    db.session.flush()
    return acceptance


def profile(user: User) -> AmbassadorProfile | None:
    return db.session.get(AmbassadorProfile, user.id)


def save_interests(user: User, topic_ids: list[int], networks: list[str], *,
                   now: datetime, no_job_networks: list[str] | None = None,
                   languages: list[str] | None = None) -> bool:
    """Save topics, networks (with those kept free of job ads) and, when given, reading
    languages. Returns True if the topics were widened to everything because the chosen
    ones would have left the queue empty (the person must land on a queue with something
    in it)."""
    unknown = [n for n in [*networks, *(no_job_networks or [])] if n not in NETWORK_LIMITS]
    if unknown:
        raise OnboardingError(_l("Unknown network."))
    if languages is not None:
        try:
            set_reading_languages(user, languages)
        except ReadingLanguageError as exc:
            raise OnboardingError(str(exc)) from exc
    topics = list(db.session.scalars(
        select(Topic).where(Topic.id.in_(topic_ids or [-1]), Topic.archived.is_(False))
    ))
    user.topics = topics
    record = profile(user)
    if record is None:
        record = AmbassadorProfile(user_id=user.id)
        db.session.add(record)
    record.networks = [n for n in NETWORK_LIMITS if n in networks]
    if no_job_networks is not None:
        record.no_job_networks = [n for n in NETWORK_LIMITS if n in no_job_networks]
    record.onboarded_at = record.onboarded_at or now
    db.session.flush()
    widened = False
    if topics and not rank(user, now).items:
        user.topics = []
        db.session.flush()
        widened = bool(rank(user, now).items)
        if not widened:
            user.topics = topics
    db.session.flush()
    return widened
