"""The curators' month: scheduled posts, events, job deadlines and takeovers on one grid.

(Named schedule_calendar so it does not shadow the standard library's calendar module.)
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from advocacy.content.models import Post, PostStatus
from advocacy.extensions import db
from advocacy.takeovers.service import in_range


@dataclass
class Entry:
    kind: str  # "post" (goes live), "live" (went live), "event", "deadline", "takeover"
    label: str
    post_id: int | None = None
    pending: bool = False


def parse_month(value: str | None, today: date) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); anything else is this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def weeks(year: int, month: int) -> list[list[date]]:
    return calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def entries(year: int, month: int, tz: ZoneInfo,
            now: datetime | None = None) -> dict[date, list[Entry]]:
    """The month's entries; a live post whose start has passed (by `now`) "went live"."""
    grid = weeks(year, month)
    first, last = grid[0][0], grid[-1][-1]
    start = datetime.combine(first, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last, time.max, tzinfo=tz).astimezone(UTC)
    out: dict[date, list[Entry]] = {}

    def add(moment: datetime | date, entry: Entry) -> None:
        day = moment.astimezone(tz).date() if isinstance(moment, datetime) else moment
        out.setdefault(day, []).append(entry)

    active = Post.status.in_((PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.LIVE))
    posts = db.session.scalars(select(Post).where(active, or_(
        and_(Post.starts_at >= start, Post.starts_at <= end),
        and_(Post.published_at >= start, Post.published_at <= end, Post.starts_at.is_(None)),
        and_(Post.event_at >= start, Post.event_at <= end),
        and_(Post.deadline_at >= start, Post.deadline_at <= end),
    )))
    for post in posts:
        pending = post.status != PostStatus.LIVE
        go_live = post.starts_at or (post.published_at if post.status == PostStatus.LIVE else None)
        if go_live and start <= go_live <= end:
            went = not pending and now is not None and go_live <= now
            add(go_live, Entry("live" if went else "post", post.title, post.id, pending))
        if post.event_at and start <= post.event_at <= end:
            add(post.event_at, Entry("event", post.title, post.id, pending))
        if post.deadline_at and start <= post.deadline_at <= end:
            add(post.deadline_at, Entry("deadline", post.title, post.id, pending))
    for takeover in in_range(first, date.fromordinal(last.toordinal() + 1)):
        who = takeover.user.name if takeover.user else ""
        add(takeover.day, Entry("takeover", f"{takeover.account} · {who}", None,
                                takeover.status != "approved"))
    return out
