"""A person's own activity: their shares and the clicks each earned, by month and year."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from advocacy.accounts.models import User
from advocacy.content.models import Post
from advocacy.extensions import db
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click


@dataclass
class ShareLine:
    share_id: int
    post_title: str
    network: str
    created_at: datetime
    clicks: int
    visitors: int


@dataclass
class Period:
    key: str  # "2026" or "2026-11"
    shares: int = 0
    clicks: int = 0
    visitors: int = 0
    lines: list[ShareLine] = field(default_factory=list)
    months: list[Period] = field(default_factory=list)


def personal_activity(user: User, tz: ZoneInfo) -> list[Period]:
    """Years, newest first, each with its months; human clicks only (bots are counted apart)."""
    human = Click.is_bot.is_(False)
    click_counts = (
        select(
            Click.share_id,
            func.count(case((human, 1))).label("clicks"),
            func.count(func.distinct(case((human, Click.visitor_hash)))).label("visitors"),
        )
        .join(Share, Share.id == Click.share_id)
        .where(Share.user_id == user.id)
        .group_by(Click.share_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Share.id,
            Post.title,
            Share.network,
            Share.created_at,
            # clicks the retention job pruned stay counted on the share itself
            func.coalesce(click_counts.c.clicks, 0) + Share.pruned_clicks,
            func.coalesce(click_counts.c.visitors, 0),
        )
        .join(Post, Post.id == Share.post_id)
        .outerjoin(click_counts, click_counts.c.share_id == Share.id)
        .where(Share.user_id == user.id)
        .order_by(Share.created_at.desc(), Share.id.desc())
    ).tuples()
    years: dict[str, Period] = {}
    months: dict[str, Period] = {}
    for share_id, title, network, created_at, clicks, visitors in rows:
        local = created_at.astimezone(tz)
        year_key, month_key = f"{local:%Y}", f"{local:%Y-%m}"
        line = ShareLine(share_id, title, network, created_at, int(clicks), int(visitors))
        year = years.get(year_key)
        if year is None:
            year = years[year_key] = Period(year_key)
        month = months.get(month_key)
        if month is None:
            month = months[month_key] = Period(month_key)
            year.months.append(month)
        for period in (year, month):
            period.shares += 1
            period.clicks += line.clicks
            period.visitors += line.visitors
        month.lines.append(line)
    return list(years.values())
