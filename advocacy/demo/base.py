"""The generator's shared state: the seeded random sources, the connection, the counts, and
what each stage leaves for the later ones."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table

from advocacy.demo import catalogue as cat
from advocacy.demo.bulk import insert_rows
from advocacy.demo.draws import DAY, UTC_ZONE
from advocacy.demo.specs import LeafInfo, Login, Person, PostSpec

MIN_AMBASSADORS = 20


class GeneratorBase:
    """The seeded random sources and the connection; the stages (the mixins that `Generator`
    puts together) write through `write` and leave what later stages read in the attributes
    below."""

    # Left by the organisation stage.
    root_id: int
    sector_ids: dict[str, int]
    sub_groups: list[tuple[cat.Group, int, frozenset[int]]]
    leaves: list[LeafInfo]
    leaf_cum: list[float]
    ancestors: dict[int, frozenset[int]]
    descendants: dict[int, frozenset[int]]
    topic_ids: dict[str, int]
    # Left by the people stage.
    demo_leader: Person
    demo_curator: Person
    people: list[Person]
    curator_ids: list[int]
    # Left by the posts stage.
    months: list[int]
    posts: list[PostSpec]
    month_posts: list[list[PostSpec]]
    # Left by the endorsements stage: (id, created, post, leader).
    endorsements: list[tuple[int, int, PostSpec, Person]]
    # Left by the shares stage.
    shares: list[tuple]
    first_share_id: int
    decisions: list[tuple]
    first_decision_id: int

    def __init__(self, conn: Connection, *, ambassadors: int, years: int, seed: int,
                 now: datetime, password_hash: str, tz: ZoneInfo = UTC_ZONE):
        if ambassadors < MIN_AMBASSADORS:
            raise ValueError(f"at least {MIN_AMBASSADORS} ambassadors")
        self.conn = conn
        self.n = ambassadors
        self.years = years
        # Made-up data that must repeat for a seed; nothing secret comes from it.
        self.rng = random.Random(seed)  # nosec B311
        # Recruitment draws from its own generator: the rest stays as it was.
        self.side_rng = random.Random(seed * 7919 + 13)  # nosec B311
        self.now = int(now.timestamp())
        self.start = self.now - int(round(years * 365.25)) * DAY
        self.password_hash = password_hash
        self.tz = tz
        self.counts: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.logins: list[Login] = []
        self.first_share: datetime | None = None
        self.last_share: datetime | None = None

    # -- helpers -------------------------------------------------------------------------

    def write(self, table: Table, columns: tuple[str, ...], rows) -> None:
        count = insert_rows(self.conn, table, columns, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + count

    def weighted(self, items, weights):
        return self.rng.choices(items, weights)[0]
