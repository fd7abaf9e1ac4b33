"""Shares by network and by topic, period by period, from the per-scope sums the rollup keeps."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.activity.models import ScopeDim
from advocacy.content.models import Network, Topic
from advocacy.extensions import db
from advocacy.insights.context import Context
from advocacy.insights.periods import period_label
from advocacy.insights.tables import Table, left_out

TOPICS_SHOWN = 6


def dimension_tables(ctx: Context) -> list[Table]:
    """Shares by network and by topic per period, from the per-scope sums the rollup keeps."""
    res = ctx.resolution
    d = ScopeDim
    sums: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for dim, key, p, shares in db.session.execute(
        select(d.dim, d.key, d.period, d.shares)
        .where(d.scope_id == ctx.scope_id, d.size == ctx.size, d.period >= ctx.span[0],
               d.period <= ctx.span[-1])
    ).tuples():
        if ctx.period_shown(int(p)):  # what is left out does not even choose the topics
            sums[(dim, key)][int(p)] += int(shares or 0)
    networks = Table(
        "networks", _l("Shares by network"),
        [("period", _l("Period"))] + [(n.value, _network_name(n.value)) for n in Network],
        chart={"type": "bar", "series": [n.value for n in Network]},
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            networks.rows.append(left_out(networks, period_label(p, res)))
            continue
        networks.rows.append({"period": period_label(p, res),
                              **{n.value: sums[("network", n.value)].get(p, 0)
                                 for n in Network}})
    topic_totals = {key: sum(v.values()) for (dim, key), v in sums.items() if dim == "topic"}
    top = sorted(topic_totals, key=lambda k: (-topic_totals[k], k))[:TOPICS_SHOWN]
    names = dict(db.session.execute(
        select(Topic.id, Topic.name).where(Topic.id.in_([int(k) for k in top] or [-1]))
    ).tuples().all())
    topics = Table(
        "topics", _l("Shares by topic"),
        [("period", _l("Period"))] + [(f"t{k}", names.get(int(k), "?")) for k in top]
        + [("t_other", _l("Other topics"))],
        chart={"type": "line", "series": [f"t{k}" for k in top] + ["t_other"]},
        note=_l("A post with several topics counts once for each."),
    )
    for p in ctx.span:
        if not ctx.period_shown(p):
            topics.rows.append(left_out(topics, period_label(p, res)))
            continue
        row: dict[str, Any] = {"period": period_label(p, res)}
        for k in top:
            row[f"t{k}"] = sums[("topic", k)].get(p, 0)
        row["t_other"] = sum(sums[("topic", k)].get(p, 0) for k in topic_totals if k not in top)
        topics.rows.append(row)
    return [networks, topics]


def _network_name(network: str) -> str:
    return {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X",
            "instagram": "Instagram"}.get(network, network)
