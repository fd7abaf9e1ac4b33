"""A click on a tracked link: insert-only, with no raw IP address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import db


class Click(db.Model):
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
