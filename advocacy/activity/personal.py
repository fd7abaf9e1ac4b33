"""A person's own activity: their years side by side and their shares month by month, as
"My activity" and the person page show them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from advocacy.accounts.models import User
from advocacy.activity import clicks as click_figures
from advocacy.activity.models import PersonMonth
from advocacy.activity.months import const, month_key, month_of
from advocacy.content.models import Post
from advocacy.extensions import db
from advocacy.orgtime import org_tz
from advocacy.tracking.models import Share

YEAR_COLUMNS = ("shares", "clicks", "early_shares", "skips", "snoozes", "kudos_received",
                "stories", "applications")


def years_side_by_side(user_id: int, tz: ZoneInfo | None = None) -> list[dict]:
    """One row per year from the person's monthly rollups, oldest first; shares and clicks
    come from the one owner of those figures (advocacy.activity.clicks), so they agree with
    every other table of the person's activity."""
    tz = tz or org_tz()
    year = PersonMonth.month // const(12)
    rows = db.session.execute(
        select(year, *[func.sum(getattr(PersonMonth, c)) for c in YEAR_COLUMNS],
               func.count(func.distinct(case((PersonMonth.shares > 0, PersonMonth.month)))))
        .where(PersonMonth.user_id == user_id).group_by(year).order_by(year)
    ).tuples()
    out = {}
    for y, *values in rows:
        *sums, active_months = values
        entry = {"year": int(y), **{c: int(v or 0) for c, v in zip(YEAR_COLUMNS, sums,
                                                                    strict=True)}}
        entry["active_months"] = int(active_months or 0)
        out[int(y)] = entry
    shares_per_month = _share_months(user_id, tz)
    click_months = click_figures.person_months(user_id, tz)
    for y in {m // 12 for m in (*shares_per_month, *click_months)} - set(out):
        out[y] = {"year": y, **dict.fromkeys(YEAR_COLUMNS, 0), "active_months": 0}
    for entry in out.values():
        y = entry["year"]
        entry["shares"] = sum(n for m, n in shares_per_month.items() if m // 12 == y)
        entry["clicks"] = sum(c.clicks for m, c in click_months.items() if m // 12 == y)
        entry["active_months"] = max(entry["active_months"], sum(
            1 for m, n in shares_per_month.items() if m // 12 == y and n))
    return [out[y] for y in sorted(out)]


def _share_months(user_id: int, tz: ZoneInfo) -> dict[int, int]:
    """Shares per month (shares are never pruned, so the Share rows are exact)."""
    counts: dict[int, int] = defaultdict(int)
    for (created_at,) in db.session.execute(
        select(Share.created_at).where(Share.user_id == user_id)
    ).tuples():
        counts[month_of(created_at, tz)] += 1
    return dict(counts)


@dataclass
class ShareLine:
    share_id: int
    post_title: str
    network: str
    created_at: datetime
    clicks: int | None  # in this month; None: the month was pruned (only its total is kept)
    visitors: int | None


@dataclass
class Period:
    key: str  # "2026" or "2026-11"
    shares: int = 0
    clicks: int = 0
    visitors: int | None = 0  # None: "not kept" (a pruned month is part of the period)
    lines: list[ShareLine] = field(default_factory=list)
    months: list[Period] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.visitors is not None


def personal_activity(user: User, tz: ZoneInfo) -> list[Period]:
    """Years, newest first, each with its months; human clicks only (bots are counted apart).

    A click counts in the month it happened (as in the rollups and the side-by-side table),
    so every figure on the page adds up: a month's lines are the shares made that month and
    the shares that earned clicks in it, with that month's clicks.
    """
    click_months = click_figures.person_months(user.id, tz)
    shares = db.session.execute(
        select(Share.id, Post.title, Share.network, Share.created_at)
        .join(Post, Post.id == Share.post_id)
        .where(Share.user_id == user.id)
        .order_by(Share.created_at.desc(), Share.id.desc())
    ).tuples().all()
    by_id = {row[0]: row for row in shares}
    made: dict[int, list[int]] = defaultdict(list)
    for share_id, _title, _network, created_at in shares:
        made[month_of(created_at, tz)].append(share_id)
    years: dict[int, Period] = {}
    for month in sorted(set(made) | set(click_months), reverse=True):
        figures = click_months.get(month, click_figures.MonthClicks())
        period = Period(month_key(month), shares=len(made.get(month, ())),
                        clicks=figures.clicks, visitors=figures.visitors)
        per_share = figures.shares or {}
        ids = list(made.get(month, ()))
        ids += sorted((sid for sid in per_share if sid not in ids and sid in by_id),
                      key=lambda sid: by_id[sid][3], reverse=True)
        for share_id in ids:
            _sid, title, network, created_at = by_id[share_id]
            n, v = per_share.get(share_id, (0, 0))
            period.lines.append(ShareLine(share_id, title, network, created_at,
                                          n if figures.kept else None,
                                          v if figures.kept else None))
        year = years.get(month // 12)
        if year is None:
            year = years[month // 12] = Period(f"{month // 12:04d}")
        year.months.append(period)
        year.shares += period.shares
        year.clicks += period.clicks
        year.visitors = (None if year.visitors is None or period.visitors is None
                         else year.visitors + period.visitors)
    return [years[y] for y in sorted(years, reverse=True)]
