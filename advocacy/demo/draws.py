"""Time as epoch seconds (days, hours, calendar months) and the Poisson draw every stage uses."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")
DAY = 86_400
HOUR = 3_600


def dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def month_starts(first: int, last: int) -> list[int]:
    """Starts (UTC) of the calendar months from the one holding `first` to past `last`."""
    start = dt(first).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while True:
        out.append(int(start.timestamp()))
        if start.timestamp() > last:
            return out
        start = (start + timedelta(days=32)).replace(day=1)
