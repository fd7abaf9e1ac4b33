"""Factories that flush, never commit: each test's rollback removes what they made."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from advocacy.accounts import service as accounts
from advocacy.accounts.models import Unit, User
from advocacy.content import service as content
from advocacy.content.models import Post, Topic
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.sharing import service as sharing
from advocacy.sharing.models import Share
from tests.conftest import PASSWORD

_seq = itertools.count(1)


def unit(name: str | None = None, parent: Unit | None = None) -> Unit:
    return accounts.create_unit(name or f"Unit {next(_seq)}", parent)


def user(
    *roles: str,
    unit: Unit | None = None,
    led_units: tuple[Unit, ...] = (),
    email: str | None = None,
    name: str | None = None,
    title: str = "sykepleier",
    locale: str | None = "en",
    password: str | None = PASSWORD,
    topics: tuple[Topic, ...] = (),
    joined: bool = True,
) -> User:
    n = next(_seq)
    person = accounts.create_user(
        email=email or f"person{n}@example.org",
        name=name or f"Person {n}",
        password=password,
        title=title,
        unit=unit,
        locale=locale,
        roles=roles or ("ambassador",),
        led_units=led_units,
    )
    person.topics = list(topics)
    if joined:  # opted in to the programme; pass joined=False for someone who has not
        person.joined_at = utcnow() - timedelta(days=1)
    db.session.flush()
    return person


def topic(name: str | None = None) -> Topic:
    return content.create_topic(name or f"Topic {next(_seq)}")


def post(
    title: str | None = None,
    *,
    link: str = "https://example.org/jobs/1",
    kind: str = "job",
    status: str = "live",
    texts: dict[str, str] | None = None,
    topics: tuple[Topic, ...] = (),
    units: tuple[Unit, ...] = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> Post:
    now = now or utcnow()
    data = content.PostData(
        title=title or f"Post {next(_seq)}",
        link=link,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        topic_ids=[t.id for t in topics],
        unit_ids=[u.id for u in units],
        texts=texts or {"linkedin": "We are hiring nurses!", "x": "We are hiring nurses!"},
    )
    created = content.create_post(data, by_user_id=None, now=now - timedelta(seconds=1))
    return created


def share(person: User, item: Post, network: str = "linkedin", text: str = "My words",
          now: datetime | None = None) -> Share:
    return sharing.share(person, item, network, text, now or utcnow())
