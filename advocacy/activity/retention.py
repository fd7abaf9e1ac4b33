"""Retention of the raw activity record: raw clicks and events go once the rollups hold them.

The monthly rollups are what is kept for years; the raw rows are only their source.
So the job first brings the rollups up to date (same lock as the rollup job), then deletes
only rows at or below the rollups' high-water marks and older than the retention setting.

A month whose raw rows are (partly) gone is final: ``RollupState('pruned_before')`` moves past
it, ``rebuild`` keeps its rollup rows, and the incremental rollup leaves it alone. A month that
can still receive rows (the current one, and the previous one while late commits settle) is
never pruned into, so a rollup never has to be recomputed from a partial month.

Share events are kept: they attribute a later click on an old tracked link to the unit the
sharer belonged to at the time (and, while they take part, to the person). The person's own
page keeps per-share click counts in ``Share.pruned_clicks``.

On PostgreSQL the raw tables are partitioned by month (advocacy/activity/partitions.py):
a month wholly before the limit, all of whose rows the rollups have seen, is dropped as a
whole partition instead of deleted row by row; the rest is deleted as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, select, text, update

from advocacy.activity import partitions
from advocacy.activity.models import ActivityEvent, EventKind, RollupState
from advocacy.activity.months import month_of, month_start
from advocacy.activity.rollup import SETTLE, rollup_recent
from advocacy.db import rowcount
from advocacy.extensions import db
from advocacy.tracking.models import Click, Share

PRUNED_BEFORE = "pruned_before"


@dataclass(frozen=True)
class PruneReport:
    clicks: int
    events: int
    pruned_before: int  # month number (year * 12 + month - 1); 0 = nothing pruned yet


def _state(name: str) -> RollupState:
    row = db.session.get(RollupState, name)
    if row is None:
        row = RollupState(name=name, value=0)
        db.session.add(row)
        db.session.flush()
    return row


def prune_limit(now: datetime, keep_days: int, tz: ZoneInfo) -> datetime:
    """Rows before this instant may go: older than the setting, and not in an open month."""
    open_month = month_of(now - SETTLE, tz)
    return min(now - timedelta(days=keep_days), month_start(open_month, tz))


def prune_raw(now: datetime, keep_days: int, tz: ZoneInfo) -> PruneReport:
    """Roll up, then delete raw clicks and non-share events older than the setting; idempotent."""
    rollup_recent(now, tz)  # takes the rollup lock for the rest of the transaction
    limit = prune_limit(now, keep_days, tz)
    click_mark = _state("click_id").value
    event_mark = _state("event_id").value
    old_clicks = (Click.created_at < limit, Click.id <= click_mark)

    # The person still sees their own clicks per share after the raw rows are gone.
    per_share = db.session.execute(
        select(Click.share_id, func.count())
        .where(*old_clicks, Click.is_bot.is_(False))
        .group_by(Click.share_id)
    ).tuples().all()
    if per_share:
        shares = Share.__table__
        db.session.execute(
            update(shares)
            .where(shares.c.id == bindparam("share"))
            .values(pruned_clicks=shares.c.pruned_clicks + bindparam("n")),
            [{"share": share_id, "n": n} for share_id, n in per_share],
        )
    clicks, events = _drop_partitions(limit, click_mark, event_mark)
    clicks += rowcount(db.session.execute(
        delete(Click).where(*old_clicks).execution_options(synchronize_session=False)
    ))
    events += rowcount(db.session.execute(
        delete(ActivityEvent)
        .where(ActivityEvent.occurred_at < limit, ActivityEvent.id <= event_mark,
               ActivityEvent.kind != EventKind.SHARE)
        .execution_options(synchronize_session=False)
    ))
    state = _state(PRUNED_BEFORE)
    if clicks or events:
        # The month holding the last instant that may have lost rows, plus one.
        last_pruned = month_of(limit - timedelta(microseconds=1), tz)
        state.value = max(state.value, last_pruned + 1)
    partitions.ensure_ahead(db.session, now)
    db.session.flush()
    return PruneReport(clicks=clicks, events=events, pruned_before=state.value)


def _drop_partitions(limit: datetime, click_mark: int, event_mark: int) -> tuple[int, int]:
    """PostgreSQL: drop the monthly partitions wholly older than `limit` whose rows are all
    rolled up; returns the rows they held (clicks, events). Other databases: (0, 0)."""
    if not partitions.is_partitioned(db.session):
        return 0, 0
    dropped = {}
    for table, mark in (("clicks", click_mark), ("activity_events", event_mark)):
        dropped[table] = 0
        for part in partitions.monthly(db.session, table):
            if part.end > limit:
                break
            rows, newest = db.session.execute(text(
                f"SELECT count(*), max(id) FROM {part.name}"  # nosec B608  our partition name
            )).one()
            if newest is not None and newest > mark:
                continue  # not all rolled up yet: the row delete below waits for the mark
            partitions.drop(db.session, part)
            dropped[table] += int(rows)
    return dropped["clicks"], dropped["activity_events"]
