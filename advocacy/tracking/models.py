"""A share's tracked link and the clicks on it: the click is insert-only, with no raw IP
address. `Share` (made by advocacy.sharing) lives here because the redirect, the click counts
and the activity rollup read it and sit below sharing."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model, db

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import User
    from advocacy.content.models import Post


def new_reference() -> str:
    """Opaque and unguessable; neither the tracked token nor anything about the person."""
    return secrets.token_urlsafe(12)


class Share(Model):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(20))
    # Which suggested text (A or B) the person started from, so results split by variant.
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("post_variants.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # Sent as utm_content, so an applicant-tracking system can report applications back.
    reference: Mapped[str] = mapped_column(String(32), unique=True, default=new_reference)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Human clicks whose raw rows the retention job removed: the person still sees their years.
    pruned_clicks: Mapped[int] = mapped_column(default=0)

    post: Mapped[Post] = relationship()
    user: Mapped[User | None] = relationship()


class Click(Model):
    __tablename__ = "clicks"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    share_id: Mapped[int] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # sha256 of (secret, day, address, user agent): counts distinct visitors per day, reveals none.
    visitor_hash: Mapped[str] = mapped_column(String(64))
    referrer_host: Mapped[str | None] = mapped_column(String(255))
    is_bot: Mapped[bool] = mapped_column(default=False)
    # Same visitor, same share, within the hour: counted apart from first clicks.
    is_repeat: Mapped[bool] = mapped_column(default=False)
    # Made by the redirect before the click waits in the stream or the spool: replaying a
    # batch twice inserts nothing twice (with created_at, as PostgreSQL's monthly partitions
    # need the partition key in every unique constraint).
    click_id: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_clicks_share_id_created_at", "share_id", "created_at"),
        UniqueConstraint("click_id", "created_at", name="uq_clicks_click_id_created_at"),
    )
