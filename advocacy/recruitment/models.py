"""Applications (pseudonymous: the ATS's id only), job feeds and the survey's choice list."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import Model, db

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.content.models import Post
    from advocacy.tracking.models import Share


class Application(Model):
    """One application for one job, as the ATS, the survey page or a CSV reported it.

    No name or contact detail is ever stored: the ATS's application id is the only link to
    the applicant, and retention removes it (the anonymous count stays).
    """

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    # NULL once retention has anonymised the row.
    ats_application_id: Mapped[str | None] = mapped_column(String(100))
    # Where the applicant came from: a channel key (CHANNELS), the network for employee
    # shares (known from the share, or named by the applicant), and the share if known.
    channel: Mapped[str] = mapped_column(String(30))
    network: Mapped[str | None] = mapped_column(String(20))
    share_id: Mapped[int | None] = mapped_column(
        ForeignKey("shares.id", ondelete="SET NULL"), index=True
    )
    # The survey choice the applicant picked (a key of SurveyChoice), never free text.
    answer: Mapped[str | None] = mapped_column(String(40))
    # How it reached us: api, survey, csv.
    reported_via: Mapped[str] = mapped_column(String(10), default="api")
    outcome: Mapped[str] = mapped_column(String(20), default="applied")
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    hired_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column()

    post: Mapped[Post] = relationship()
    share: Mapped[Share | None] = relationship()

    __table_args__ = (
        UniqueConstraint("post_id", "ats_application_id",
                         name="uq_applications_post_id_ats_application_id"),
        Index("ix_applications_applied_at", "applied_at"),
        Index("ix_applications_post_id_channel", "post_id", "channel"),
    )


class JobFeed(Model):
    """An ATS feed of open positions (RSS, Atom or JSON Feed) read on a schedule."""

    __tablename__ = "job_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column()
    last_ok: Mapped[bool | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)

    runs: Mapped[list[JobFeedRun]] = relationship(
        back_populates="feed", cascade="all, delete-orphan", order_by="JobFeedRun.id.desc()",
        lazy="dynamic",
    )


class JobFeedRun(Model):
    """One reading of a feed: when, what it changed, or why it failed."""

    __tablename__ = "job_feed_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("job_feeds.id", ondelete="CASCADE"),
                                         index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    archived: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    # Post ids and titles touched, for the curator: {"created": [[id, title]], ...}
    changes: Mapped[dict] = mapped_column(db.JSON, default=dict)

    feed: Mapped[JobFeed] = relationship(back_populates="runs")


class JobFeedItem(Model):
    """Which post a feed's entry became, so a rerun updates it instead of adding another."""

    __tablename__ = "job_feed_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("job_feeds.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))  # job reference, else entry id, else link
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    gone_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (UniqueConstraint("feed_id", "key", name="uq_job_feed_items_feed_id_key"),)


class SurveyChoice(Model):
    """One answer to "where did you first see this job?"; curators rename, add, hide, order."""

    __tablename__ = "survey_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[str] = mapped_column(String(30))
    network: Mapped[str | None] = mapped_column(String(20))
    # Empty: the built-in, translated label; otherwise the curator's own words.
    label: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
