"""What an ambassador did with a suggestion short of sharing it: skipped it or snoozed it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import Model


class QueueChoice(enum.StrEnum):
    SKIPPED = "skipped"
    SNOOZED = "snoozed"


class QueueDecision(Model):
    __tablename__ = "queue_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(10))
    snoozed_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "post_id"),)


class QueueImpression(Model):
    """The first time a post was shown in a person's queue: what the fatigue limit counts."""

    __tablename__ = "queue_impressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    first_shown_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "post_id"),
        Index("ix_queue_impressions_user_id_first_shown_at", "user_id", "first_shown_at"),
    )
