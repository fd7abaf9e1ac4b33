"""Monthly partitions of the raw record on PostgreSQL (migration 0012); SQLite has none.

``clicks`` is partitioned by RANGE (created_at), one partition per UTC month
(``clicks_pYYYYMM``) plus ``clicks_pdefault``. ``activity_events`` is partitioned by LIST
(kind): share events live in ``activity_events_shares`` and are kept (they attribute later
clicks); every other kind goes to ``activity_events_other``, itself partitioned by RANGE
(occurred_at) into ``activity_events_pYYYYMM`` plus ``activity_events_pdefault``.
Retention drops whole monthly partitions; the rollup job creates the months ahead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

log = logging.getLogger(__name__)

# Tables that are partitions, not models of their own (migrations/env.py skips them).
PARTITION_NAME = re.compile(
    r"^(clicks_p(\d{6}|default)|activity_events_(p\d{6}|pdefault|shares|other))$")
MONTHLY = {"clicks": ("clicks", "created_at"),
           "activity_events": ("activity_events_other", "occurred_at")}
AHEAD = 3  # months created ahead of the current one


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime
    end: datetime


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def partition_name(table: str, start: datetime) -> str:
    return f"{table}_p{start:%Y%m}"


def is_partitioned(session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.execute(text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = 'clicks' AND c.relnamespace = current_schema()::regnamespace"
    )).first())


def monthly(session, table: str) -> list[Partition]:
    """The monthly partitions of `table` ("clicks" or "activity_events"), oldest first."""
    parent, _column = MONTHLY[table]
    rows = session.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :parent"
    ), {"parent": parent}).scalars()
    found = []
    for name in rows:
        match = re.fullmatch(rf"{table}_p(\d{{4}})(\d{{2}})", name)
        if match:
            start, end = month_bounds(int(match[1]), int(match[2]))
            found.append(Partition(name, start, end))
    return sorted(found, key=lambda p: p.start)


def create_month(session, table: str, year: int, month: int) -> bool:
    """Create one monthly partition if it is missing; False when the default partition
    already holds rows of that month (then they stay there, still counted and pruned)."""
    parent, column = MONTHLY[table]
    start, end = month_bounds(year, month)
    name = partition_name(table, start)
    exists = session.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar()
    if exists:
        return True
    default = f"{table}_pdefault"
    clash = session.execute(text(
        f"SELECT 1 FROM {default} WHERE {column} >= :start AND {column} < :end LIMIT 1"  # nosec B608  fixed names
    ), {"start": start, "end": end}).first()
    if clash:
        log.warning("%s: rows of %s wait in %s; month partition not created",
                    table, f"{start:%Y-%m}", default)
        return False
    session.execute(text(
        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {parent} "  # nosec B608  fixed names
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    ))
    return True


def ensure_ahead(session, now: datetime, ahead: int = AHEAD) -> None:
    """The current month and `ahead` months after it exist for both tables."""
    if not is_partitioned(session):
        return
    year, month = now.astimezone(UTC).year, now.astimezone(UTC).month
    for step in range(ahead + 1):
        m = month - 1 + step
        for table in MONTHLY:
            create_month(session, table, year + m // 12, m % 12 + 1)


def drop(session, partition: Partition) -> None:
    session.execute(text(f"DROP TABLE IF EXISTS {partition.name}"))  # nosec B608  our name
