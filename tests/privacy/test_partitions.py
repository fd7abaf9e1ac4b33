"""Issue 11 item 4: on PostgreSQL retention drops whole monthly partitions (share events and
the rollups stay); on SQLite the same rows go row by row. The figures are the same."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select, text

from advocacy.activity import partitions
from advocacy.activity.models import ActivityEvent, EventKind, UnitMonth
from advocacy.activity.rollup import rollup_recent
from advocacy.db import utcnow
from advocacy.privacy.retention import run_retention
from advocacy.queue import service as queue
from advocacy.tracking.models import Click
from tests import factories as f

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def meta(ip):
    return f.Visitor(remote_addr=ip, user_agent="Mozilla/5.0 Firefox/128",
                                referrer=None)


def exists(session, name):
    return session.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is not None


def test_retention_drops_old_month_partitions_and_keeps_the_figures(db_session):
    partitioned = partitions.is_partitioned(db_session)
    if partitioned:
        for table in partitions.MONTHLY:
            assert partitions.create_month(db_session, table, 2025, 3)
    person = f.user(unit=f.unit())
    share = f.share(person, f.post(now=T0 - timedelta(days=1)), now=T0)
    for n in range(3):
        f.click(share.token, meta(f"203.0.113.{n}"), secret="s",
                              now=T0 + timedelta(days=n))
    queue.skip(person, f.post(now=T0), T0)
    if partitioned:
        assert db_session.scalar(text("SELECT count(*) FROM clicks_p202503")) == 3
        assert db_session.scalar(text("SELECT count(*) FROM activity_events_p202503")) == 1
    with time_machine.travel(T0 + timedelta(days=200), tick=False):
        rollup_recent(utcnow(), UTC)
        totals = db_session.scalar(select(func.sum(UnitMonth.clicks)))
        report = run_retention(utcnow(), UTC)
        again = run_retention(utcnow(), UTC)
        now = utcnow()
    assert again.clicks_pruned == 0 and again.events_pruned == 0
    assert report.clicks_pruned == 3
    assert db_session.scalar(select(func.count()).select_from(Click)) == 0
    assert db_session.scalar(select(func.sum(UnitMonth.clicks))) == totals == 3
    # the share event stays (it attributes later clicks), the skip went
    kinds = db_session.scalars(select(ActivityEvent.kind)).all()
    assert kinds == [EventKind.SHARE]
    db_session.refresh(share)
    assert share.pruned_clicks == 3
    if partitioned:
        assert not exists(db_session, "clicks_p202503")
        assert not exists(db_session, "activity_events_p202503")
        # months ahead are made by the same jobs
        for step in range(partitions.AHEAD + 1):
            m = now.year * 12 + now.month - 1 + step
            assert exists(db_session, f"clicks_p{m // 12:04d}{m % 12 + 1:02d}")
            assert exists(db_session, f"activity_events_p{m // 12:04d}{m % 12 + 1:02d}")
