"""A share: one ambassador's own text for one post on one network, with its tracked token."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import db


def new_reference() -> str:
    """Opaque and unguessable; neither the tracked token nor anything about the person."""
    return secrets.token_urlsafe(12)


class Share(db.Model):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(20))
    # Which suggested text (A or B) the person started from, so results split by variant (M13).
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

    post: Mapped[Post] = relationship()  # noqa: F821
    user: Mapped[User | None] = relationship()  # noqa: F821
