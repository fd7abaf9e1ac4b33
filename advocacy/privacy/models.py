"""Privacy settings, the access log people see, notices and exports.

Totals that outlive raw rows and erased people are the anonymous unit rollups of
advocacy/activity (``activity_unit_months``, ``activity_unit_dim_months``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import User


class PrivacySettings(Model):
    """One row: what the privacy notice says and whether named per-person leader views are on."""

    __tablename__ = "privacy_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_name: Mapped[str] = mapped_column(String(200), default="")
    controller_contact: Mapped[str] = mapped_column(String(500), default="")
    dpo_contact: Mapped[str] = mapped_column(String(500), default="")
    legal_basis: Mapped[str] = mapped_column(String(30), default="consent")
    public_authority: Mapped[bool] = mapped_column(default=True)
    audit_retention_days: Mapped[int] = mapped_column(default=730)
    erase_after_days: Mapped[int] = mapped_column(default=30)
    export_retention_days: Mapped[int] = mapped_column(default=7)
    person_view_enabled: Mapped[bool] = mapped_column(default=False)
    person_view_purpose: Mapped[str] = mapped_column(Text, default="")
    person_view_consulted_on: Mapped[date | None] = mapped_column(Date)
    person_view_dpia_reference: Mapped[str] = mapped_column(String(200), default="")
    person_view_notice_at: Mapped[datetime | None] = mapped_column()
    person_view_effective_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PersonalDataAccess(Model):
    """Someone other than the person opened that person's data; shown to the person."""

    __tablename__ = "personal_data_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    what: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(Text, default="")

    viewer: Mapped[User | None] = relationship(foreign_keys=[viewer_id])


class PrivacyNotice(Model):
    """A change people must be told about (in the app and by e-mail)."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    effective_at: Mapped[datetime | None] = mapped_column()
    purpose: Mapped[str] = mapped_column(Text, default="")


class NoticeDelivery(Model):
    """Per person: when the notice was e-mailed and when it was read in the app."""

    __tablename__ = "notice_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    emailed_at: Mapped[datetime | None] = mapped_column()
    seen_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)


class ExportStatus:
    PENDING = "pending"
    READY = "ready"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
    FAILED = "failed"


class DataExport(Model):
    """A person's own export: built by a job, downloadable once through a signed link."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ExportStatus.PENDING)
    # Random per export; the signed link carries it, so a link cannot be forged or reused.
    nonce: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    downloaded_at: Mapped[datetime | None] = mapped_column()
    # The zip lives in the database (the web tier keeps no files); emptied after download.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
