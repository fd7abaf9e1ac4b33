"""The append-only activity record, unit membership history and the monthly rollups.

Months are stored as one integer, ``year * 12 + month - 1``, so that quarters (``// 3``) and
years (``// 12``) are plain integer arithmetic on every database.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.db import utcnow
from advocacy.extensions import Model

BigId = BigInteger().with_variant(Integer, "sqlite")


class EventKind(enum.StrEnum):
    SHARE = "share"
    SKIP = "skip"
    SNOOZE = "snooze"
    ENDORSE = "endorse"
    KUDOS_GIVEN = "kudos_given"
    KUDOS_RECEIVED = "kudos_received"
    REMINDER_SENT = "reminder_sent"
    REMINDER_ACTED = "reminder_acted"
    STORY_SUGGESTED = "story_suggested"
    APPLICATION = "application"
    HIRE = "hire"  # an attributed application's outcome became "hired" (once per application)


# Rollup column for each event kind (clicks come straight from the clicks table).
KIND_COLUMNS: dict[str, str] = {
    EventKind.SHARE: "shares",
    EventKind.SKIP: "skips",
    EventKind.SNOOZE: "snoozes",
    EventKind.ENDORSE: "endorsements",
    EventKind.KUDOS_GIVEN: "kudos_given",
    EventKind.KUDOS_RECEIVED: "kudos_received",
    EventKind.REMINDER_SENT: "reminders_sent",
    EventKind.REMINDER_ACTED: "reminders_acted",
    EventKind.STORY_SUGGESTED: "stories",
    EventKind.APPLICATION: "applications",
    EventKind.HIRE: "hires",
}
COUNT_COLUMNS = (*KIND_COLUMNS.values(), "clicks", "early_shares", "lag_minutes", "lag_count")


class ActivityEvent(Model):
    """One meaningful act. Rows are only ever inserted; the unit is the one at that time."""

    __tablename__ = "activity_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # SET NULL on erasure: the act still counts for the unit, no longer for a person.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # No foreign keys below: history outlives units and posts.
    unit_id: Mapped[int | None] = mapped_column()
    as_leader: Mapped[bool] = mapped_column(default=False)
    post_id: Mapped[int | None] = mapped_column()
    ref_id: Mapped[int | None] = mapped_column()  # the share, endorsement, kudos … it is about
    network: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[int | None] = mapped_column()  # share: minutes after the post went live

    __table_args__ = (Index("ix_activity_events_kind_ref_id", "kind", "ref_id"),)


class UnitMembership(Model):
    """Which unit a person belonged to when: moving someone keeps old history with the old unit."""

    __tablename__ = "unit_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    valid_from: Mapped[datetime] = mapped_column()
    valid_to: Mapped[datetime | None] = mapped_column()



class PersonMonth(Model):
    """One person's acts in one month, in the unit they belonged to then (0 = no unit)."""

    __tablename__ = "activity_person_months"

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False,
    )
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_leader: Mapped[bool] = mapped_column(default=False)
    first_share_at: Mapped[datetime | None] = mapped_column()
    last_share_at: Mapped[datetime | None] = mapped_column()
    shares: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    skips: Mapped[int] = mapped_column(default=0)
    snoozes: Mapped[int] = mapped_column(default=0)
    endorsements: Mapped[int] = mapped_column(default=0)
    kudos_given: Mapped[int] = mapped_column(default=0)
    kudos_received: Mapped[int] = mapped_column(default=0)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    reminders_acted: Mapped[int] = mapped_column(default=0)
    stories: Mapped[int] = mapped_column(default=0)
    applications: Mapped[int] = mapped_column(default=0)
    hires: Mapped[int] = mapped_column(default=0)
    early_shares: Mapped[int] = mapped_column(default=0)
    lag_minutes: Mapped[int] = mapped_column(BigInteger, default=0)
    lag_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        Index("ix_activity_person_months_unit_id_month", "unit_id", "month"),
        # A person's months: their own pages, named people on the dashboards, the dashboard
        # tables' refresh; PostgreSQL answers those from the index alone.
        Index("ix_activity_person_months_user_id_month", "user_id", "month",
              postgresql_include=["shares", "clicks", "last_share_at"]),
    )


class UnitMonth(Model):
    """Anonymous totals per unit per month, split by leaders and others: kept for years."""

    __tablename__ = "activity_unit_months"

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_leader: Mapped[bool] = mapped_column(primary_key=True)
    shares: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    skips: Mapped[int] = mapped_column(default=0)
    snoozes: Mapped[int] = mapped_column(default=0)
    endorsements: Mapped[int] = mapped_column(default=0)
    kudos_given: Mapped[int] = mapped_column(default=0)
    kudos_received: Mapped[int] = mapped_column(default=0)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    reminders_acted: Mapped[int] = mapped_column(default=0)
    stories: Mapped[int] = mapped_column(default=0)
    applications: Mapped[int] = mapped_column(default=0)
    hires: Mapped[int] = mapped_column(default=0)
    early_shares: Mapped[int] = mapped_column(default=0)
    lag_minutes: Mapped[int] = mapped_column(BigInteger, default=0)
    lag_count: Mapped[int] = mapped_column(default=0)


class UnitDimMonth(Model):
    """Shares and clicks per unit per month by network or by topic."""

    __tablename__ = "activity_unit_dim_months"

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)  # "network" | "topic"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    shares: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)


class RollupState(Model):
    """High-water marks of what the incremental rollup has seen."""

    __tablename__ = "activity_rollup_state"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# --- what the corps-health page reads, kept by the rollup (advocacy.activity.health_tables) ---

class PersonState(Model):
    """An enrolled ambassador as the dashboards see them: joining, retention, last share.

    Personal, so it is deleted with the person and rebuilt from their monthly rows.
    """

    __tablename__ = "activity_people"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    unit_id: Mapped[int] = mapped_column(index=True)  # the unit now (0 = none)
    joined_month: Mapped[int] = mapped_column()
    joined_unit_id: Mapped[int] = mapped_column()  # the unit when they joined (0 = none)
    # Bit i: shared in the three months up to RETENTION_AFTER[i] months after joining.
    retained: Mapped[int] = mapped_column(default=0)
    last_share_at: Mapped[datetime | None] = mapped_column()
    last_share_month: Mapped[int | None] = mapped_column()
    # As of the month in activity_rollup_state "people_month": months with shares in the
    # year before the last three months, and whether those three months were silent.
    regular_months: Mapped[int] = mapped_column(default=0)
    quiet: Mapped[bool] = mapped_column(default=True)
    stopped: Mapped[bool] = mapped_column(default=False, index=True)  # regular, then quiet


class Cohort(Model):
    """People who joined in a month in a unit with its sub-units (scope 0: anywhere) — after
    = 0 — and how many of them were still sharing `after` months later. Anonymous counts;
    the page folds small cohorts."""

    __tablename__ = "activity_cohorts"

    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    joined_month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    after: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(default=0)


class EnrolmentChange(Model):
    """Change in enrolled ambassadors of a unit at the end of a month (joins and moves):
    the running sum is the enrolment at the end of each month."""

    __tablename__ = "activity_enrolment"

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    delta: Mapped[int] = mapped_column(default=0)


class ScopePeriod(Model):
    """Per unit with its sub-units (scope 0: the whole organisation) and period of 1, 3 or 12
    months: who shared, leaders among them, and the shares of the top 10 % (concentration)."""

    __tablename__ = "activity_scope_periods"

    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    active: Mapped[int] = mapped_column(default=0)
    leaders: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    top_shares: Mapped[int] = mapped_column(default=0)


class UnitPeriod(Model):
    """Per unit (0: people without a unit; its own people, not its sub-units) and period of
    1, 3 or 12 months: who shared, and the leaders among them. Each person counts once per
    period, in the unit of their last month with shares in it, so the figures add up over
    any set of units — what the corps-health page folds period by period (its blocks are
    made of units; `advocacy.folding`)."""

    __tablename__ = "activity_unit_periods"

    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    active: Mapped[int] = mapped_column(default=0)
    leaders: Mapped[int] = mapped_column(default=0)


class ScopeDim(Model):
    """Shares and clicks by network or topic per scope (0: the whole organisation) and
    period of 1, 3 or 12 months: the unit dimension rows summed over sub-units."""

    __tablename__ = "activity_scope_dims"

    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    shares: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)


class ScopeActivity(Model):
    """Shares, clicks, applications and sharing speed per scope (0: the whole organisation),
    period of 1, 3 or 12 months and leaders/others: the unit months summed over sub-units."""

    __tablename__ = "activity_scope_activity"

    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_leader: Mapped[bool] = mapped_column(primary_key=True)
    shares: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    applications: Mapped[int] = mapped_column(default=0)
    hires: Mapped[int] = mapped_column(default=0)
    early_shares: Mapped[int] = mapped_column(default=0)
    lag_minutes: Mapped[int] = mapped_column(BigInteger, default=0)
    lag_count: Mapped[int] = mapped_column(default=0)
