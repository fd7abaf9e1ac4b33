"""A demo municipality with years of history, generated in Python and loaded in bulk.

Everything comes from one `random.Random(seed)`, so the same seed and `now` give the same
data. Nothing here iterates over sets or dict views of strings whose order could vary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, text

from advocacy.accounts.models import Unit, User
from advocacy.activity.models import ActivityEvent, PersonMonth, UnitDimMonth, UnitMonth
from advocacy.content.models import Post, Topic
from advocacy.demo.bulk import is_postgres
from advocacy.demo.draws import dt
from advocacy.demo.endorsements import Endorsements
from advocacy.demo.people import People
from advocacy.demo.posts import Posts
from advocacy.demo.programme import ProgrammeSettings
from advocacy.demo.record import Record
from advocacy.demo.shares import Shares
from advocacy.demo.specs import Login
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

TABLES = {
    "units": Unit.__table__,
    "users": User.__table__,
    "topics": Topic.__table__,
    "posts": Post.__table__,
    "shares": Share.__table__,
    "clicks": Click.__table__,
    "activity_events": ActivityEvent.__table__,
}
# Rolled-up tables, counted in the summary after the rollup.
ROLLUPS = (PersonMonth.__table__, UnitMonth.__table__, UnitDimMonth.__table__)


def existing_data(conn: Connection) -> list[str]:
    """Names of the tables that already hold rows; demo data is only loaded into none."""
    return [name for name, table in TABLES.items()
            if conn.scalar(select(table.c.id).limit(1)) is not None]


@dataclass
class Summary:
    counts: dict[str, int]
    logins: list[Login]
    first_share: datetime | None
    last_share: datetime | None


class Generator(People, ProgrammeSettings, Posts, Endorsements, Shares, Record):
    """All the stages (one module each) on one state; `fill` runs them in order."""

    def build_units_and_topics(self) -> None:
        self.build_units()
        self.build_topics()

    def finish(self) -> None:
        if is_postgres(self.conn):  # fresh statistics, so the rollup and dashboards plan well
            for name in ("users", "posts", "shares", "clicks", "queue_decisions",
                         "activity_events", "unit_memberships", "post_topics"):
                self.conn.execute(text(f"ANALYZE {name}"))

    def build_rollups(self) -> None:
        """The full rollup, as `flask activity rebuild` runs it, so dashboards show years."""
        from advocacy.activity import rollup as activity

        activity.rebuild(self.tz, now=dt(self.now))
        for table in ROLLUPS:
            self.counts[table.name] = int(self.conn.scalar(select(func.count()).select_from(table)))
            if is_postgres(self.conn):
                self.conn.execute(text(f"ANALYZE {table.name}"))


def fill(conn: Connection, *, ambassadors: int, years: int, seed: int, now: datetime,
         password_hash: str, progress: Callable[[str, float], None] | None = None,
         tz: ZoneInfo | None = None) -> Summary:
    """Load the demo municipality through `conn` (the caller commits); tables must be empty.

    `conn` must be the connection of `db.session`: the rollups at the end are the activity
    package's own, which work through the session. `progress(stage, seconds)` hears about
    each finished stage, for long runs. `tz` defaults to the app's ORG_TIMEZONE.
    """
    if tz is None:
        from advocacy.orgtime import org_tz

        tz = org_tz()
    gen = Generator(conn, ambassadors=ambassadors, years=years, seed=seed, now=now,
                    password_hash=password_hash, tz=tz)
    stages = (
        ("units and topics", gen.build_units_and_topics),
        ("people and roles", gen.build_people),
        ("programme", gen.build_programme),
        ("posts", gen.build_posts),
        ("endorsements", gen.build_endorsements),
        ("shares, decisions and clicks", gen.build_shares),
        ("kudos and the activity record", gen.build_record),
        ("statistics", gen.finish),
        ("monthly rollups", gen.build_rollups),
    )
    for stage, step in stages:
        started = time.monotonic()
        step()
        if progress is not None:
            progress(stage, time.monotonic() - started)
    return Summary(counts=gen.counts, logins=gen.logins, first_share=gen.first_share,
                   last_share=gen.last_share)
