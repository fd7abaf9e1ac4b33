"""Declarative base with a naming convention: migrations name constraints alike everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import CursorResult, DateTime, MetaData, Result, Table, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
    if TYPE_CHECKING:
        # DeclarativeBase types it as any FromClause (a class may be mapped to a join or a
        # select); every model here is mapped to a table of its own.
        __table__: ClassVar[Table]


def link_table(metadata: MetaData, name: str, *targets: str) -> Table:
    """A many-to-many link table: for each target table ("users", "topics", ...) a column
    `<singular>_id` referring to its id, deleted with it; together the primary key."""
    from sqlalchemy import Column, ForeignKey, Integer

    return Table(name, metadata, *(
        Column(f"{target.removesuffix('s')}_id", Integer,
               ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True)
        for target in targets))


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (0 if the driver cannot tell). `Session.execute`
    is typed to return a `Result`; for these statements it is a `CursorResult`."""
    return cast(CursorResult[Any], result).rowcount or 0


# --- SQLite, the zero-setup default: many processes, one writer at a time ------------------

# How long a connection waits for the write lock before SQLite gives up ("database is locked").
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Methods whose requests write: their transactions take the write lock when they begin.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def insert_or_ignore(table: Table, session: Any, index_elements: list[str]):
    """INSERT … ON CONFLICT (index_elements) DO NOTHING in the session's dialect (PostgreSQL
    or SQLite): writes that may meet a row already there (a replayed batch, a planned key)."""
    from sqlalchemy.dialects import postgresql, sqlite

    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=index_elements)


def tune_sqlite(engine) -> None:
    """WAL with a busy timeout, foreign keys, real transactions (so savepoints work).

    In WAL mode readers never wait, but a transaction that read first cannot become a writer
    once another connection has committed (SQLITE_BUSY_SNAPSHOT, reported as "database is
    locked" without waiting). So a web request that writes (POST and friends) begins with
    BEGIN IMMEDIATE: it waits for the write lock up front (the busy timeout) and never has to
    upgrade. Other transactions begin deferred; their few writes go through
    `commit_retrying`.
    """
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL's recommended setting: no fsync per commit, still corruption-safe; a power cut
        # may lose the last commits (a crash of the process loses none).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def _writing_request() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method in WRITE_METHODS


def is_lock_error(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "busy" (incl. BUSY_SNAPSHOT); PostgreSQL never says so."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "is locked" in text or "is busy" in text


def commit_retrying(work, *, commit=None, tries: int = 6, first_wait: float = 0.05):
    """Run `work()` and commit; if SQLite reports a lock, roll back and run it again.

    `work` must be safe to run twice (it reads what it needs again after the rollback). For
    the few writes that do not begin with BEGIN IMMEDIATE: GET pages that record something,
    and workers' batch writes. Other errors, and a lock that outlasts every try, propagate.
    """
    import time

    from sqlalchemy.exc import OperationalError

    from advocacy.extensions import db

    for attempt in range(tries):
        try:
            result = work()
            (commit or db.session.commit)()
            return result
        except OperationalError as exc:
            db.session.rollback()
            if not is_lock_error(exc) or attempt == tries - 1:
                raise
            time.sleep(first_wait * 2 ** attempt)
    raise AssertionError("unreachable")  # pragma: no cover
