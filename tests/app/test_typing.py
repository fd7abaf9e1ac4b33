"""What the type checker is told about the models and the database helpers holds at run time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Table, delete

from advocacy import models  # noqa: F401  (every table)
from advocacy.audit.models import AuditEntry
from advocacy.db import Base, rowcount
from advocacy.extensions import Model, db
from advocacy.recruitment import report


def test_models_are_flask_sqlalchemy_models_on_the_typed_base():
    """mypy sees `Model` as `advocacy.db.Base`; at run time it is `db.Model`, made from Base:
    the same metadata (naming convention, type map), every model mapped to a Table."""
    assert Model is db.Model
    assert db.metadata is Base.metadata
    mapped = [mapper.class_ for mapper in Model.registry.mappers]
    assert len(mapped) > 30
    for cls in mapped:
        assert issubclass(cls, db.Model)
        assert isinstance(cls.__table__, Table), cls


def test_rowcount_is_the_rows_a_delete_matched(db_session):
    now = datetime.now(UTC)
    db_session.add_all([AuditEntry(action="a", created_at=now - timedelta(days=3)),
                        AuditEntry(action="b", created_at=now - timedelta(days=2)),
                        AuditEntry(action="c", created_at=now)])
    db_session.flush()
    old = delete(AuditEntry).where(AuditEntry.created_at < now - timedelta(days=1))
    assert rowcount(db_session.execute(old)) == 2
    assert rowcount(db_session.execute(old)) == 0


def test_only_a_single_report_period_may_be_open():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    end = datetime(2026, 1, 1, tzinfo=UTC)
    assert report._bucket([(None, end)])(start) == 0
    assert report._bucket([(start, end), (end, None)])(end) == 1
    with pytest.raises(ValueError):
        report._bucket([(None, start), (start, end)])
