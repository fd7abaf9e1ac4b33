"""Guideline acceptance per version; the ambassador's onboarding choices are their
profile, `AmbassadorProfile` (accounts.models: the queue, sharing and reminders read it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.accounts.models import AmbassadorProfile  # noqa: F401  (its home is accounts)
from advocacy.db import utcnow
from advocacy.extensions import Model


class GuidelineAcceptance(Model):
    __tablename__ = "guideline_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "version"),)
