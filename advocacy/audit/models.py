"""One row per admin or curator action: who, what, when, on which target (ids only)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import User


class AuditEntry(Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Who did it; SET NULL when that person is erased (the action stays, the name goes).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column()
    # Field names and ids only, never names, e-mail addresses or texts.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)
