"""Counting the SQL statements one request issues (a SQLAlchemy event listener)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Transaction bookkeeping of the savepoint-per-test setup, not the page's own work.
_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class Statements(list):
    @property
    def count(self) -> int:
        return len(self)

    def report(self) -> str:
        return "\n".join(f"{i + 1:3}. {s[:160]}" for i, s in enumerate(self))


@contextmanager
def count_statements():
    """Every statement any engine sends while the block runs (bookkeeping left out)."""
    seen = Statements()

    def listener(conn, cursor, statement, parameters, context, executemany):
        text = " ".join(statement.split())
        if not text.upper().startswith(_BOOKKEEPING):
            seen.append(text)

    event.listen(Engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
