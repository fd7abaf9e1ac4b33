"""The programme's own settings: one row, edited by curators and admins."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import Model


class Programme(Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")
    # Bumped whenever the guidelines text changes, so acceptance can be asked again.
    guidelines_version: Mapped[int] = mapped_column(default=1)
    min_group_size: Mapped[int] = mapped_column(default=5)
    retention_days: Mapped[int] = mapped_column(default=90)
    # Review: a post needs a second curator (not its author) to approve it. On from the
    # start (four eyes by default); a programme with a single curator may switch it off.
    require_second_approval: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Fatigue limit: new posts shown to one ambassador per 7 days; 0 means no limit.
    weekly_post_cap: Mapped[int] = mapped_column(default=0)
    # Leaders in a post's audience see it this many minutes before everyone else.
    leaders_first_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    # Early warning: a unit whose shares fell by more than this share against last year.
    warning_drop_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column()
