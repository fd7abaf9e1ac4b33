"""The one owner of click figures: every page, e-mail and report reads clicks here.

A click counts in the month it happened (organisation time zone), for the share's person,
human clicks only. Where the raw record still holds a month in full (months from
``pruned_before`` on), figures come from the raw clicks, so they are exact and never lag
behind the rollup job. Months the retention job pruned are read from the monthly rollups,
which are all that is left of them; distinct visitors were not rolled up, so such a month
says "not kept" (None) instead of 0. Per share, ``Share.pruned_clicks`` carries what
retention removed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from advocacy.activity.models import PersonMonth, RollupState
from advocacy.activity.months import month_of, month_start
from advocacy.content.models import post_topics
from advocacy.extensions import db
from advocacy.tracking.models import Click, Share


@dataclass
class MonthClicks:
    clicks: int = 0
    visitors: int | None = 0  # None: the month was pruned, visitors were not kept
    # per share: (clicks, visitors) in this month; empty for a pruned month
    shares: dict[int, tuple[int, int]] | None = None

    @property
    def kept(self) -> bool:
        return self.visitors is not None


def pruned_before() -> int:
    """Months before this one (year * 12 + month - 1) lost raw rows to retention."""
    row = db.session.get(RollupState, "pruned_before")
    return int(row.value) if row else 0


def person_months(user_id: int, tz: ZoneInfo) -> dict[int, MonthClicks]:
    """A person's human clicks per month: rollups for pruned months, raw rows after."""
    limit = pruned_before()
    out: dict[int, MonthClicks] = {}
    if limit:
        for month, clicks in db.session.execute(
            select(PersonMonth.month, func.sum(PersonMonth.clicks))
            .where(PersonMonth.user_id == user_id, PersonMonth.month < limit)
            .group_by(PersonMonth.month)
        ).tuples():
            if clicks:
                out[int(month)] = MonthClicks(int(clicks), None, None)
    query = (
        select(Click.share_id, Click.created_at, Click.visitor_hash)
        .join(Share, Share.id == Click.share_id)
        .where(Share.user_id == user_id, Click.is_bot.is_(False))
    )
    if limit:
        query = query.where(Click.created_at >= month_start(limit, tz))
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    visitors: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for share_id, created_at, hashed in db.session.execute(query).tuples():
        month = month_of(created_at, tz)
        if month < limit:
            continue  # a late row in a pruned month: its rollup is final
        counts[month][share_id] += 1
        visitors[month][share_id].add(hashed)
    for month, per_share in counts.items():
        shares = {sid: (n, len(visitors[month][sid])) for sid, n in per_share.items()}
        out[month] = MonthClicks(sum(n for n, _ in shares.values()),
                                 sum(v for _, v in shares.values()), shares)
    return out


def person_clicks_between(user_id: int, first_month: int, end_month: int,
                          tz: ZoneInfo) -> int:
    """Human clicks in months first_month ≤ m < end_month (e.g. the monthly "your year")."""
    return sum(m.clicks for month, m in person_months(user_id, tz).items()
               if first_month <= month < end_month)


def share_totals(share_ids) -> dict[int, int]:
    """Human clicks per share over its whole life: raw rows plus what retention pruned.

    `share_ids` is a list or a SELECT of share ids.
    """
    raw = dict(db.session.execute(
        select(Click.share_id, func.count())
        .where(Click.share_id.in_(share_ids), Click.is_bot.is_(False))
        .group_by(Click.share_id)
    ).tuples().all())
    totals = {}
    for share_id, pruned in db.session.execute(
        select(Share.id, Share.pruned_clicks).where(Share.id.in_(share_ids))
    ).tuples():
        totals[share_id] = int(raw.get(share_id, 0)) + int(pruned or 0)
    return totals


def variant_counts(post_id: int) -> tuple[dict[int | None, int], dict[int | None, int]]:
    """Shares and human clicks per variant of one post (content.variants.variant_stats)."""
    shares = dict(db.session.execute(
        select(Share.variant_id, func.count()).where(Share.post_id == post_id)
        .group_by(Share.variant_id)
    ).tuples().all())
    variant_of = dict(db.session.execute(
        select(Share.id, Share.variant_id).where(Share.post_id == post_id)).tuples().all())
    clicks: dict[int | None, int] = {}
    for share_id, n in share_totals(list(variant_of)).items():
        clicks[variant_of[share_id]] = clicks.get(variant_of[share_id], 0) + n
    return shares, clicks


def topic_shares() -> dict[int, int]:
    """Shares per topic (content.topics.topic_stats)."""
    return dict(db.session.execute(
        select(post_topics.c.topic_id, func.count(Share.id))
        .join(Share, Share.post_id == post_topics.c.post_id)
        .group_by(post_topics.c.topic_id)
    ).tuples().all())
