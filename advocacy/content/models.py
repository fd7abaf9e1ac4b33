"""Topics and the suggested posts curators write, with one text per network."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.db import utcnow
from advocacy.extensions import db


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
    DRAFT = "draft"
    LIVE = "live"
    ARCHIVED = "archived"


post_topics = Table(
    "post_topics",
    db.metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)

post_units = Table(
    "post_units",
    db.metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(db.Model):
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

    topics: Mapped[list[Topic]] = relationship(secondary=post_topics, lazy="selectin")
    units: Mapped[list[Unit]] = relationship(secondary=post_units, lazy="selectin")  # noqa: F821
    variants: Mapped[list[PostVariant]] = relationship(
        back_populates="post", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (Index("ix_posts_status_starts_at", "status", "starts_at"),)

    def variant(self, network: str) -> PostVariant | None:
        return next((v for v in self.variants if v.network == network), None)

    @property
    def networks(self) -> list[str]:
        present = {v.network for v in self.variants}
        return [n.value for n in Network if n.value in present]

    def is_live(self, now: datetime) -> bool:
        return (
            self.status == PostStatus.LIVE
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or self.ends_at > now)
        )


class PostVariant(db.Model):
    __tablename__ = "post_variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)

    post: Mapped[Post] = relationship(back_populates="variants")

    __table_args__ = (UniqueConstraint("post_id", "network"),)
