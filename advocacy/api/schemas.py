"""Pydantic models: they validate every request and are the source of the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Text100 = Annotated[str, StringConstraints(max_length=100)]


class Strict(BaseModel):
    """Unknown fields are refused (422), not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class Error(Out):
    code: str = Field(description="Stable, machine-readable reason, e.g. `invalid`.")
    message: str = Field(description="What went wrong, for people.")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field problems of a 422 answer.")


Cursor = Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")]


class PageQuery(Strict):
    cursor: Cursor | None = Field(
        default=None, description="`next_cursor` of the previous page; omit for the first page.")
    limit: int = Field(default=50, ge=1, le=200)


# --- units and people -------------------------------------------------------------------

class UnitOut(Out):
    id: int
    name: str
    parent_id: int | None
    path: str


class UnitPage(Out):
    items: list[UnitOut]
    next_cursor: str | None


class PeopleQuery(PageQuery):
    unit_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PersonOut(Out):
    id: int
    name: str
    email: str
    title: str
    unit_id: int | None
    active: bool
    participant: bool = Field(description="Has joined the ambassador programme (opt-in).")
    roles: list[str]


class PersonPage(Out):
    items: list[PersonOut]
    next_cursor: str | None


# --- posts ------------------------------------------------------------------------------

class Kind(StrEnum):
    story = "story"
    job = "job"
    event = "event"
    news = "news"


class Status(StrEnum):
    draft = "draft"
    in_review = "in_review"
    live = "live"
    archived = "archived"


class NetworkName(StrEnum):
    linkedin = "linkedin"
    facebook = "facebook"
    x = "x"
    instagram = "instagram"


class PostQuery(PageQuery):
    status: Status | None = None
    kind: Kind | None = None


class PostOut(Out):
    id: int
    title: str
    link: str
    kind: Kind
    status: Status
    job_reference: str | None
    place: str
    deadline_at: datetime | None
    event_at: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    texts: dict[str, str] = Field(description="The main (A) suggested text per network.")


class PostPage(Out):
    items: list[PostOut]
    next_cursor: str | None


class PostCreate(Strict):
    """A suggested post, created as a draft for curators to review and publish."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    link: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    kind: Kind = Kind.news
    texts: dict[NetworkName, Annotated[str, StringConstraints(max_length=5000)]] = Field(
        min_length=1, description="Suggested text per network (at least one).")
    job_reference: Text100 | None = Field(
        default=None, description="Jobs: the applicant-tracking system's job reference.")
    place: Annotated[str, StringConstraints(max_length=200)] = ""
    deadline_at: AwareDatetime | None = None
    event_at: AwareDatetime | None = None


# --- shares and clicks ------------------------------------------------------------------

class StatsQuery(Strict):
    group_by: Literal["post", "unit", "network"] = "post"
    period: Literal["month", "year"] = "month"
    from_month: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = Field(
        default=None, alias="from", description="First month, YYYY-MM (default: 12 months ago).")
    to_month: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] | None = Field(
        default=None, alias="to", description="Last month, YYYY-MM (default: this month).")

    model_config = ConfigDict(extra="forbid", populate_by_name=False)


class StatsRow(Out):
    period: str = Field(description="YYYY-MM or YYYY in the organisation's time zone.")
    post_id: int | None = None
    unit_id: int | None = Field(
        default=None, description="Null with `folded` true: units too small to show apart.")
    units: list[int] | None = Field(
        default=None, description="group_by=unit: the units whose figures the row sums.")
    network: str | None = None
    folded: bool = False
    shares: int
    clicks: int
    applications: int


class StatsOut(Out):
    group_by: str
    period: str
    from_month: str
    to_month: str
    min_group: int
    rows: list[StatsRow]


# --- applications -----------------------------------------------------------------------

class Outcome(StrEnum):
    applied = "applied"
    interviewed = "interviewed"
    offered = "offered"
    hired = "hired"
    withdrawn = "withdrawn"


class Source(StrEnum):
    linkedin = "linkedin"
    facebook = "facebook"
    x = "x"
    instagram = "instagram"
    own_pages = "own_pages"
    job_board = "job_board"
    print = "print"
    word_of_mouth = "word_of_mouth"
    other = "other"


class ApplicationIn(Strict):
    """One application as the ATS knows it; reporting the same id again updates it."""

    job_reference: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    ats_application_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    share_reference: Text100 | None = Field(
        default=None, description="The `utm_content` the applicant arrived with, if any. "
        "An unknown reference is recorded as unattributed, not refused.")
    source: Source | None = Field(default=None, description="A channel the ATS knows.")
    answer: Text100 | None = Field(
        default=None, description="The applicant's answer to 'where did you first see "
        "this job?' (a choice key such as `finn`).")
    outcome: Outcome | None = None


class OutcomeIn(Strict):
    outcome: Outcome


class ApplicationOut(Out):
    id: int
    job_reference: str
    ats_application_id: str
    channel: str
    network: str | None
    attributed: bool = Field(description="True when a share of ours brought the applicant.")
    outcome: Outcome
    applied_at: datetime
    updated_at: datetime
    created: bool = Field(description="False when this report updated an earlier one.")


# --- job feeds --------------------------------------------------------------------------

class FeedOut(Out):
    id: int
    name: str
    url: str
    active: bool
    last_run_at: datetime | None
    last_ok: bool | None
    last_error: str | None


class FeedPage(Out):
    items: list[FeedOut]
    next_cursor: str | None


# --- corps health -----------------------------------------------------------------------

class HealthQuery(Strict):
    unit_id: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Omit for the whole organisation.")
    years: int = Field(default=5, ge=1, le=10)
    resolution: Literal["month", "quarter", "year"] = "quarter"


class HealthTable(Out):
    key: str
    title: str
    columns: list[dict[str, str]]
    rows: list[dict[str, str | int | float | None]]
    note: str | None


class HealthOut(Out):
    unit_id: int | None
    from_month: str
    to_month: str
    resolution: str
    min_group: int
    enough_people: bool = Field(
        description="False: fewer ambassadors than the programme minimum; no tables.")
    tables: list[HealthTable]
