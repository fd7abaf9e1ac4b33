"""Topics and the suggested posts curators write, with one text per network."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import link_table, utcnow
from advocacy.extensions import Model, db

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.accounts.models import Unit, User


class Network(enum.StrEnum):
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    X = "x"
    INSTAGRAM = "instagram"


# Characters each network accepts in a post; X's limit is the one that bites.
NETWORK_LIMITS: dict[str, int] = {
    Network.LINKEDIN: 3000,
    Network.FACEBOOK: 5000,
    Network.X: 280,
    Network.INSTAGRAM: 2200,
}


class PostKind(enum.StrEnum):
    STORY = "story"
    JOB = "job"
    EVENT = "event"
    NEWS = "news"


class PostStatus(enum.StrEnum):
    """Stored statuses; "scheduled" is shown for a live post whose window has not opened yet."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    LIVE = "live"
    ARCHIVED = "archived"


SCHEDULED = "scheduled"


post_topics = link_table(db.metadata, "post_topics", "posts", "topics")
post_units = link_table(db.metadata, "post_units", "posts", "units")


class Topic(Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    # A merged topic is archived and points at the topic that took over its posts and followers.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20), default=PostKind.NEWS)
    status: Mapped[str] = mapped_column(String(20), default=PostStatus.DRAFT)
    starts_at: Mapped[datetime | None] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()
    published_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Jobs: the application deadline and the place of work; events: when it happens.
    deadline_at: Mapped[datetime | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    # Jobs: the applicant-tracking system's own reference, the key applications join on.
    job_reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    event_at: Mapped[datetime | None] = mapped_column()
    image_name: Mapped[str | None] = mapped_column(String(100))
    # What the image shows, for people who cannot see it (its alt text); required with an image.
    image_alt: Mapped[str] = mapped_column(String(250), default="", server_default="")
    # Audience beyond units: professions (job titles) and languages; empty = everyone.
    audience_titles: Mapped[list] = mapped_column(JSON, default=list)
    audience_languages: Mapped[list] = mapped_column(JSON, default=list)
    # Review: who sent it for review and who approved it.
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column()
    # Credit for an employee's story that became this post.
    credit_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    topics: Mapped[list[Topic]] = relationship(secondary=post_topics, lazy="selectin")
    units: Mapped[list[Unit]] = relationship(secondary=post_units, lazy="selectin")
    variants: Mapped[list[PostVariant]] = relationship(
        back_populates="post", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (Index("ix_posts_status_starts_at", "status", "starts_at"),)

    credit_user: Mapped[User | None] = relationship(foreign_keys=[credit_user_id])

    def variant(self, network: str) -> PostVariant | None:
        """The main (A) text for a network."""
        return next(
            (v for v in sorted(self.variants, key=lambda v: v.label) if v.network == network),
            None,
        )

    def variants_for(self, network: str) -> list[PostVariant]:
        return sorted((v for v in self.variants if v.network == network), key=lambda v: v.label)

    def display_status(self, now: datetime) -> str:
        if self.status == PostStatus.LIVE and self.starts_at and self.starts_at > now:
            return SCHEDULED
        return self.status

    @property
    def networks(self) -> list[str]:
        present = {v.network for v in self.variants}
        return [n.value for n in Network if n.value in present]

    def deadline_passed(self, now: datetime) -> bool:
        """A job's application deadline (an instant, entered in ORG_TIMEZONE) has come."""
        return self.deadline_at is not None and self.deadline_at <= now

    def in_window(self, now: datetime) -> bool:
        return (
            self.status == PostStatus.LIVE
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or self.ends_at > now)
        )

    def is_live(self, now: datetime) -> bool:
        """Shown and shareable: live, inside its window, and no passed deadline."""
        return self.in_window(now) and not self.deadline_passed(now)


class PostVariant(Model):
    __tablename__ = "post_variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(20))
    # "A" is the main text; "B" an optional alternative for an A/B test.
    label: Mapped[str] = mapped_column(String(1), default="A")
    text: Mapped[str] = mapped_column(Text)

    post: Mapped[Post] = relationship(back_populates="variants")

    __table_args__ = (UniqueConstraint("post_id", "network", "label"),)


class PostComment(Model):
    """Curators talk about a post before and after it goes out."""

    __tablename__ = "post_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()


class PostRevision(Model):
    """Who changed what and when: one row per change, with the changed fields as old/new."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
