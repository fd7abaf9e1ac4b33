"""A leader's endorsement of a post, a curator's request for one, and kudos to an ambassador."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import User
    from advocacy.content.models import Post

NOTE_MAX = 280


class Endorsement(Model):
    __tablename__ = "endorsements"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Withdrawn endorsements are kept (so the record says it once was), but no longer shown.
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    leader: Mapped[User] = relationship(lazy="joined")
    post: Mapped[Post] = relationship()

    __table_args__ = (UniqueConstraint("post_id", "leader_id"),)


class EndorsementRequest(Model):
    __tablename__ = "endorsement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column()

    post: Mapped[Post] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    __table_args__ = (UniqueConstraint("post_id", "leader_id"),)


class Kudos(Model):
    __tablename__ = "kudos"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    sender: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    recipient: Mapped[User] = relationship(foreign_keys=[to_user_id])
