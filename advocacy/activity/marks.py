"""The rollup's marks: named numbers it keeps between runs (``RollupState``), such as the last
event and click it summed.
"""

from __future__ import annotations

from advocacy.activity.models import RollupState
from advocacy.extensions import db


def state(name: str) -> RollupState:
    row = db.session.get(RollupState, name)
    if row is None:
        row = RollupState(name=name, value=0)
        db.session.add(row)
    return row
