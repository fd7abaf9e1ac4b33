"""Guideline acceptance per version and the ambassador's onboarding choices (M9, M3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import db


class GuidelineAcceptance(db.Model):
    __tablename__ = "guideline_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "version"),)


class AmbassadorProfile(db.Model):
    """Networks the person uses and when onboarding was completed."""

    __tablename__ = "ambassador_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    networks: Mapped[list] = mapped_column(JSON, default=list)
    # Networks where the person does not want job ads (e.g. a private Facebook): job posts
    # are not offered there (issue 14 item 12, docs/networks.md).
    no_job_networks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    onboarded_at: Mapped[datetime | None] = mapped_column()
