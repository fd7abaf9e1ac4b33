"""One after-commit hook (advocacy/aftercommit.py) for jobs and for removing erased files."""

from __future__ import annotations

from advocacy import jobs
from advocacy.aftercommit import after_commit, waiting
from tests import factories as f


def test_callbacks_run_in_order_after_the_outer_commit_and_not_for_a_rolled_back_savepoint(
        app, db_session):
    ran: list[str] = []
    after_commit(lambda: ran.append("first"))
    savepoint = db_session.begin_nested()
    after_commit(lambda: ran.append("rolled back"))
    savepoint.rollback()
    inner = db_session.begin_nested()
    after_commit(lambda: ran.append("released"))
    inner.commit()
    assert ran == []  # a released savepoint is not a commit
    jobs.enqueue("advocacy.example.job", 1)
    assert jobs.pending() == [("advocacy.example.job", [1])]
    assert len(waiting()) == 3
    f.unit("Somewhere")  # some real work in the same transaction
    db_session.commit()
    assert ran == ["first", "released"]
    assert waiting() == [] and jobs.pending() == []


def test_a_failing_callback_does_not_stop_the_others(app, db_session, caplog):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("broken on purpose")

    after_commit(broken)
    after_commit(lambda: ran.append("still runs"))
    db_session.commit()
    assert ran == ["still runs"]
    assert "after-commit callback" in caplog.text and "broken on purpose" in caplog.text


def test_a_rollback_drops_everything_noted(app, db_session):
    ran: list[str] = []
    after_commit(lambda: ran.append("never"))
    db_session.rollback()
    db_session.commit()
    assert ran == [] and waiting() == []
