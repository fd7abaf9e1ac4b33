"""One request's scope, span and blocks, shared by the tables of the corps-health page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import literal_column

from advocacy import folding as fold
from advocacy.accounts.models import Unit
from advocacy.accounts.units import UnitTree
from advocacy.insights.query import RESOLUTIONS, Query

OTHER = "other"


def scope_filter(column, ids: set[int] | None):
    return literal_column("1") == 1 if ids is None else column.in_(ids)


@dataclass
class Context:
    """One request's scope and span, shared by the tables."""

    unit: Unit | None
    scope_ids: set[int] | None  # None: the whole organisation
    scope_id: int  # the key of the scope in the dashboard tables
    query: Query
    span: list[int]  # the periods shown
    first: int  # whole periods: the first month of the first period …
    last: int  # … and the last month of the last one (not after the current month)
    current: int
    now: datetime
    min_group: int
    names_shown: bool
    units: UnitTree
    rows: int | None
    folding: fold.Folding | None = None
    scope_key: int = 0
    row_of: dict[int, Any] = field(default_factory=dict)
    row_labels: dict[Any, str] = field(default_factory=dict)
    viewer: Any = None  # visibility.Viewer: the one rule for named people
    looked_at: dict[str, set[int]] = field(default_factory=dict)
    # Each period's blocks, from the enrolment at its end (the over-time tables fold by them)
    by_period: dict[int, fold.Folding] = field(default_factory=dict)
    scope_units: set[int] = field(default_factory=set)  # the scope's units (the tree now)

    def period_shown(self, period: int) -> bool:
        """May this period's figures of the scope be shown? Only when the scope is a union of
        whole blocks of that period (else a past figure, differenced with a sub-unit's,
        could be about fewer people than the minimum)."""
        folding = self.by_period.get(period)
        return folding is not None and folding.shown(self.scope_key)

    def seen(self, what: str, user_ids) -> None:
        self.looked_at.setdefault(what, set()).update(user_ids)

    @property
    def resolution(self) -> str:
        return self.query.resolution

    @property
    def size(self) -> int:
        return RESOLUTIONS[self.query.resolution]
