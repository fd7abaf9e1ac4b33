"""A request that a curator answers once: a story an employee suggests, an account takeover
an employee asks for. Both keep who answered and when, refuse a second answer, and take an
optional or required note of at most NOTE_MAX characters (the reason a story was declined,
the note on a takeover). The features keep their own statuses and what an answer does."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import db

NOTE_MAX = 2000


class Answered:
    """Columns of a model a curator answers (a declarative mixin): when it was asked, who
    answered and when."""

    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answerable(Protocol):
    status: str
    decided_by_id: int | None
    decided_at: datetime | None


class Curator(Protocol):
    id: int


def note_problem(note: str, required=None):
    """Why a note cannot be kept (too long, or missing where `required` says why it is
    needed), or None."""
    if required is not None and not note.strip():
        return required
    if len(note) > NOTE_MAX:
        return _l("Use at most %(n)d characters.", n=NOTE_MAX)
    return None


def answer(item: Answerable, curator: Curator, status: str, now: datetime) -> None:
    """Record the answer: the new status, who gave it and when."""
    item.status = status
    item.decided_by_id = curator.id
    item.decided_at = now
    db.session.flush()
