"""One accessibility statement per installation, edited by admins and shown to everyone."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import Model


class AccessibilityStatement(Model):
    __tablename__ = "accessibility_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500))
    # "full", "partial" or "none": conformance with WCAG 2.1 level AA.
    conformance: Mapped[str] = mapped_column(String(20))
    # [{"criterion": "1.4.3", "problem": "...", "action": "..."}, ...]
    deviations: Mapped[list] = mapped_column(JSON, default=list)
    # "self" (own assessment) or "external" (a third party tested it).
    method: Mapped[str] = mapped_column(String(20), default="self")
    feedback_email: Mapped[str] = mapped_column(String(254))
    feedback_phone: Mapped[str] = mapped_column(String(40), default="")
    # "no" (Uutilsynet, Norway) or "dk" (Digitaliseringsstyrelsen, Denmark).
    authority: Mapped[str] = mapped_column(String(2))
    complaint_url: Mapped[str] = mapped_column(String(500), default="")
    # The statement as registered with the authority (uustatus.no or was.digst.dk), if any.
    official_url: Mapped[str] = mapped_column(String(500), default="")
    statement_date: Mapped[date] = mapped_column(Date)
    reviewed_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column()
