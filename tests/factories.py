"""Factories that flush, never commit: each test's rollback removes what they made."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from advocacy.accounts import service as accounts
from advocacy.accounts.models import Unit, User
from advocacy.content import editing, post_input, topics
from advocacy.content.models import Post, Topic
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.sharing import service as sharing
from advocacy.sharing.models import Share
from advocacy.tracking.bots import is_bot
from advocacy.tracking.service import (
    find_target,
    referrer_host,
    store_clicks,
    visitor_hash_parts,
)
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
    return topics.create_topic(name or f"Topic {next(_seq)}")


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
    deadline_at: datetime | None = None,
    place: str = "Oslo",
    event_at: datetime | None = None,
    audience_titles: tuple[str, ...] = (),
    audience_languages: tuple[str, ...] = (),
    texts_b: dict[str, str] | None = None,
    job_reference: str = "",
) -> Post:
    now = now or utcnow()
    if kind == "job" and deadline_at is None:
        # Far ahead: tests build years of history, and a job cannot be shared after its
        # deadline (issue 10 item 9). Tests about deadlines pass their own.
        deadline_at = now + timedelta(days=3650)
    if kind == "event" and event_at is None:
        event_at = now + timedelta(days=14)
    data = post_input.PostData(
        title=title or f"Post {next(_seq)}",
        link=link,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        topic_ids=[t.id for t in topics],
        unit_ids=[u.id for u in units],
        texts=texts or {"linkedin": "We are hiring nurses!", "x": "We are hiring nurses!"},
        texts_b=texts_b or {},
        deadline_at=deadline_at,
        place=place,
        event_at=event_at,
        audience_titles=list(audience_titles),
        audience_languages=list(audience_languages),
        job_reference=job_reference,
    )
    created = editing.create_post(data, by_user_id=None, now=now - timedelta(seconds=1))
    return created


def share(person: User, item: Post, network: str = "linkedin", text: str = "My words",
          now: datetime | None = None) -> Share:
    return sharing.share(person, item, network, text, now or utcnow())


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
    b"\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def story(author: User, *, title: str = "A day on the ward", text: str = "We did it.",
          photo: bool = False, now: datetime | None = None,
          photo_alt: str = "Two nurses laughing in the ward's kitchen"):
    from flask import current_app

    from advocacy.content.uploads import save_image
    from advocacy.stories import service as stories

    photo_name = save_image(PNG, current_app.config["UPLOAD_DIR"]) if photo else None
    return stories.suggest(author, title=title, text=text, photo_name=photo_name,
                           consent=photo, now=now or utcnow(),
                           photo_alt=photo_alt if photo else "")


def takeover(person: User, *, account: str = "Instagram @ourtown", days_ahead: int = 10,
             now: datetime | None = None):
    from advocacy.takeovers import service as takeovers

    now = now or utcnow()
    return takeovers.request_takeover(
        person, account=account, day=(now + timedelta(days=days_ahead)).date(),
        plan="Show a night shift", today=now.date(), now=now,
    )


@dataclass(frozen=True)
class Visitor:
    """Who follows a share's link: an address, a browser, where they came from."""

    remote_addr: str = "203.0.113.1"
    user_agent: str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
    referrer: str | None = None


def click(token: str, visitor: Visitor, *, secret: str, now: datetime,
          share_id: int | None = None) -> str | None:
    """A click as the redirect and its drain record it: the token's target, the visitor's
    day hash, bot or not, stored through `store_clicks` (idempotent by click id). Returns
    where the redirect sends the visitor (None: unknown token). `share_id` skips the
    look-up (a click drained late, for a share whose token is not at hand)."""
    url = None
    if share_id is None:
        target = find_target(token)
        if target is None:
            return None
        share_id, url = target.share_id, target.url
    store_clicks([{
        "click_id": uuid.uuid4().hex, "share_id": share_id, "created_at": now.isoformat(),
        "visitor_hash": visitor_hash_parts(secret, now, visitor.remote_addr,
                                           visitor.user_agent),
        "referrer_host": referrer_host(visitor.referrer), "is_bot": is_bot(visitor.user_agent),
    }])
    return url
