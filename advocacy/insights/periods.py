"""Periods of a resolution (month, quarter, year) as integers: numbering, labels, their
last month, and how many of them make the year before.
"""

from __future__ import annotations

from advocacy.activity.months import month_key
from advocacy.insights.query import RESOLUTIONS, Query


def period_of(month: int, resolution: str) -> int:
    return month // RESOLUTIONS[resolution]


def period_label(period: int, resolution: str) -> str:
    if resolution == "month":
        return month_key(period)
    if resolution == "quarter":
        return f"{period // 4} Q{period % 4 + 1}"
    return str(period)


def period_last_month(period: int, resolution: str) -> int:
    size = RESOLUTIONS[resolution]
    return period * size + size - 1


def periods(query: Query) -> list[int]:
    return list(range(period_of(query.first_month, query.resolution),
                      period_of(query.last_month, query.resolution) + 1))


def yoy_lag(resolution: str) -> int:
    return 12 // RESOLUTIONS[resolution]
