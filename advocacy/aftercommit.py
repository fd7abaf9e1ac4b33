"""after_commit(callback): run `callback()` once the database transaction has committed.

For side effects that must not happen for work that is rolled back, and must see the rows
they are about: sending a Celery task (`advocacy.jobs`), removing a person's photo files
once their erasure is committed (`advocacy.privacy.personal`). A callback is noted on the
SQLAlchemy session with the transaction (or savepoint) it was noted in; it runs when the
outermost transaction commits, in the order noted, and is dropped when that transaction or
the savepoint rolls back (warehouse's `_after_commit_hook` works the same way).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from advocacy.extensions import db

log = logging.getLogger(__name__)

_KEY = "advocacy.after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    session = db.session()
    if not session.in_transaction():
        # Begin now, so that a rollback before any query still drops the callback.
        session.begin()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, callback))


def waiting(session: Session | None = None) -> list[Callable[[], object]]:
    """The callbacks waiting for the current transaction to commit, in order."""
    session = session or db.session()
    return [callback for _tx, callback in session.info.get(_KEY, [])]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outer transaction may still roll back
    for _transaction, callback in session.info.pop(_KEY, None) or ():
        try:
            callback()
        except Exception:  # noqa: BLE001 - the data is committed; one failure must not stop the rest
            log.exception("after-commit callback %r failed", callback)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    waiting_now = session.info.get(_KEY)
    if waiting_now:
        waiting_now[:] = [item for item in waiting_now
                          if not _within(item[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        # The outermost transaction ended without a commit (closed or rolled back).
        session.info.pop(_KEY, None)
