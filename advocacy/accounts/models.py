"""People, their organisational units and the roles they hold."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.access import RoleName  # noqa: F401  (the roles are named in advocacy.access)
from advocacy.db import link_table, utcnow
from advocacy.extensions import Model, db

if TYPE_CHECKING:  # the relationships' targets (resolved by name at run time)
    from advocacy.content.models import Topic

user_topics = link_table(db.metadata, "user_topics", "users", "topics")


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Which posts fit the person (content language), apart from the interface language
    # (docs/i18n.md): codes of LANGUAGES; None or empty = every language.
    # Stored as "nb,da" (not JSON: PostgreSQL's json has no equality, and users are read
    # with SELECT DISTINCT); read and set as a list through `reading_languages`.
    reading_languages_text: Mapped[str | None] = mapped_column("reading_languages", String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped on password change so that every other session is logged out.
    session_version: Mapped[int] = mapped_column(default=1)
    # Bumped at logout: every session cookie issued before stops working (a copied cookie
    # included). Separate from session_version, which also signs e-mailed login links.
    login_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True)
    # The person's own choice to be named to leaders, on kudos walls and leaderboards
    # (off by default; read live, so a change takes effect everywhere at once).
    named_opt_in: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Taking part is voluntary: set when the person opts in, left_at when they leave.
    joined_at: Mapped[datetime | None] = mapped_column()
    left_at: Mapped[datetime | None] = mapped_column()
    # When the person left the organisation (account closed); erasure follows after a while.
    deactivated_at: Mapped[datetime | None] = mapped_column()

    unit: Mapped[Unit | None] = relationship()
    roles: Mapped[list[Role]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    topics: Mapped[list[Topic]] = relationship(secondary=user_topics)

    @property
    def reading_languages(self) -> list[str] | None:
        return self.reading_languages_text.split(",") if self.reading_languages_text else None

    @reading_languages.setter
    def reading_languages(self, codes) -> None:
        self.reading_languages_text = ",".join(codes) if codes else None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login
        return self.active

    def get_id(self) -> str:
        # Checked on every request (user_for_session): a password change or a logout makes
        # every earlier session invalid.
        return f"{self.id}:{self.session_version}:{self.login_generation}"

    def has_role(self, name: RoleName | str) -> bool:
        return any(r.name == name for r in self.roles)

    @property
    def is_participant(self) -> bool:
        """Opted in and not left: the only people leader views and figures may show."""
        return self.joined_at is not None and self.left_at is None and self.active

    @property
    def role_names(self) -> set[str]:
        return {r.name for r in self.roles}

    @property
    def led_unit_ids(self) -> set[int]:
        return {r.unit_id for r in self.roles if r.name == RoleName.LEADER and r.unit_id}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Role(Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    # Only leaders carry a unit: the unit (with its sub-units) they lead.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "name", "unit_id"),)


class AmbassadorProfile(Model):
    """Networks the person uses and when onboarding was completed (set by onboarding; read
    by the queue, sharing and reminders through content/networks.py)."""

    __tablename__ = "ambassador_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    networks: Mapped[list] = mapped_column(JSON, default=list)
    # Networks where the person does not want job ads (e.g. a private Facebook): job posts
    # are not offered there (docs/networks.md).
    no_job_networks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    onboarded_at: Mapped[datetime | None] = mapped_column()
