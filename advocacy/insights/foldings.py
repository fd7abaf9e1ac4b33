"""The blocks every corps-health figure is folded by (advocacy.folding): the enrolment now,
each period's enrolment at its end, and each period's leaders and other ambassadors who
shared. The page, its CSV files and the API fold by the same blocks.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from advocacy import folding as fold
from advocacy.activity.models import EnrolmentChange
from advocacy.extensions import db
from advocacy.insights.periods import period_last_month


def health_folding(parents: dict[int, int | None], enrolled: dict[int, int],
                   min_group: int) -> fold.Folding:
    """The blocks every corps-health figure is folded by (the page, its CSV, the API)."""
    return fold.fold_units(parents, enrolled, min_group)


def period_foldings(parents: dict[int, int | None], min_group: int, wanted, resolution: str,
                    current: int) -> dict[int, fold.Folding]:
    """period -> the blocks of that period: `health_folding` over the enrolment per unit at
    the period's end (its last month, or the current one), read from the rollup's enrolment
    changes. The tree is the one of today (its history is not kept)."""
    wanted = sorted(wanted)
    if not wanted:
        return {}
    ends = [(min(period_last_month(p, resolution), current), p) for p in wanted]
    ec = EnrolmentChange
    changes = db.session.execute(
        select(ec.month, ec.unit_id, ec.delta).where(ec.month <= ends[-1][0])
        .order_by(ec.month)
    ).tuples().all()
    running: dict[int, int] = defaultdict(int)
    out: dict[int, fold.Folding] = {}
    cache: dict[tuple, fold.Folding] = {}
    at = 0
    for end, period in ends:
        while at < len(changes) and changes[at][0] <= end:
            _month, unit_id, delta = changes[at]
            key = unit_id if unit_id in parents else fold.ORGANISATION
            running[key] += int(delta or 0)
            at += 1
        sizes = tuple(sorted((u, n) for u, n in running.items() if n))
        folding = cache.get(sizes)
        if folding is None:
            folding = cache[sizes] = health_folding(parents, dict(sizes), min_group)
        out[period] = folding
    return out


def leader_foldings(parents: dict[int, int | None], min_group: int, periods,
                    sharing: dict) -> dict[int, tuple[fold.Folding, fold.Folding]]:
    """period -> (blocks of leaders who shared in it, blocks of the other ambassadors who
    shared in it), each `fold_units` over the whole tree. The leaders-go-first figures of a
    scope (shares, hours, how soon) are sums over the people who shared; a period's figures
    are shown only when the scope is made of whole blocks of both, so any figure, or any
    difference between scopes, is about at least the minimum leaders and the minimum
    ambassadors who shared (never one leader's hours), however few leaders a unit has."""
    out: dict[int, tuple[fold.Folding, fold.Folding]] = {}
    for p in periods:
        active, leaders = sharing.get(p, ({}, {}))
        others = {u: n - leaders.get(u, 0) for u, n in active.items()}
        out[p] = (fold.fold_units(parents, leaders, min_group),
                  fold.fold_units(parents, others, min_group))
    return out
