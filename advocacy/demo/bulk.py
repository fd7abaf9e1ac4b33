"""Bulk loading for the demo data: COPY on PostgreSQL, chunked executemany elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, func, select, text

if TYPE_CHECKING:
    import psycopg

CHUNK = 5000


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def reserve_ids(conn: Connection, table: Table, count: int) -> int:
    """The first of `count` free consecutive ids; PostgreSQL's sequence is moved past them."""
    if is_postgres(conn):
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        first = conn.scalar(text("SELECT nextval(CAST(:s AS regclass))"), {"s": sequence})
        if count > 1:
            conn.execute(
                text("SELECT setval(CAST(:s AS regclass), :v)"),
                {"s": sequence, "v": first + count - 1},
            )
        return int(first)
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """Insert tuples in `columns` order and return how many; timestamps are aware datetimes.

    PostgreSQL gets one COPY on the session's own connection (so it joins its transaction);
    other databases get Core inserts in chunks, so column types (UTCDateTime) still apply.
    """
    count = 0
    if is_postgres(conn):
        # The driver's own connection (psycopg 3 on PostgreSQL), for its COPY.
        raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
        name = conn.dialect.identifier_preparer.quote(table.name)
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
                    count += 1
        return count
    statement = table.insert()
    batch: list[dict] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) >= CHUNK:
            conn.execute(statement, batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
        count += len(batch)
    return count
