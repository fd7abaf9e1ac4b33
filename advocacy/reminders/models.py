"""Reminder rows (one per person, kind, period and channel), preferences and settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import User


class Kind(enum.StrEnum):
    DIGEST = "digest"  # (a) new posts that fit the person, daily or weekly
    NUDGE = "nudge"  # (b) an endorsed or deadline-near post is waiting
    REENGAGE = "reengage"  # (c) no shares for N weeks
    UNIT_DROP = "unit_drop"  # (c) to a leader: the unit's activity fell (aggregates only)
    NOTICE = "notice"  # (d) a leader endorsed a post or sent kudos
    TAKEOVER = "takeover"  # (e) account takeover rota
    YEAR = "year"  # (f) monthly "your year so far"


class Channel(enum.StrEnum):
    EMAIL = "email"
    CHAT = "chat"  # the programme's Teams or Slack incoming webhook


class Status(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanent failure, or the last try failed
    SKIPPED = "skipped"  # nobody to reach (no e-mail, inactive, unsubscribed meanwhile)


class Reminder(Model):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The dedupe key's time part: "digest:2026-11-23", "deadline:42", "year:2026-10", ...
    period: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(10), default=Channel.EMAIL)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=Status.PENDING)
    due_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A lease: whoever set claim_token owns the row until claimed_until.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    acted_on_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "kind", "period", "channel"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
        Index("ix_reminders_sent_at", "sent_at"),
    )


class ReminderPreference(Model):
    """A person's choices; people without a row get the defaults (weekly, e-mail, 08-16 Mon-Fri)."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")  # daily|weekly|off
    email: Mapped[bool] = mapped_column(default=True)
    chat: Mapped[bool] = mapped_column(default=False)
    # Local hours [start, end) in the organisation's time zone, and ISO weekdays "12345".
    work_start: Mapped[int] = mapped_column(default=8)
    work_end: Mapped[int] = mapped_column(default=16)
    work_days: Mapped[str] = mapped_column(String(7), default="12345")
    # Comma-separated kinds the person unsubscribed from.
    unsubscribed: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def unsubscribed_kinds(self) -> set[str]:
        return {k for k in self.unsubscribed.split(",") if k}


class ReminderSettings(Model):
    """The programme's reminder settings (one row, id 1): webhook, re-engagement, tracking."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_url: Mapped[str] = mapped_column(String(2000), default="")
    webhook_kind: Mapped[str] = mapped_column(String(10), default="slack")  # slack|teams
    reengage_weeks: Mapped[int] = mapped_column(default=6)
    unit_drop_percent: Mapped[int] = mapped_column(default=50)
    tracking_pixel: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UsedToken(Model):
    """A one-click login token that was used: the primary key makes a replay fail."""

    __tablename__ = "reminder_used_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
