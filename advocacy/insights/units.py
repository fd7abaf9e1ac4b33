"""The unit tree, read once per request: the units' names, paths and sub-units."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from advocacy.accounts.models import Unit
from advocacy.extensions import db


class Units:
    """The unit tree, read once per request: scopes and names."""

    def __init__(self) -> None:
        rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.name)).tuples().all()
        self.parents = {uid: parent for uid, parent, _name in rows}
        self.names = {uid: name for uid, _parent, name in rows}

    def path(self, unit_id: int) -> str:
        names, node, seen = [], unit_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            names.append(self.names[node])
            node = self.parents.get(node)
        return " › ".join(reversed(names))

    def descendants(self, unit_id: int) -> set[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for uid, parent in self.parents.items():
            children[parent].append(uid)
        out: set[int] = set()
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            if uid not in out:
                out.add(uid)
                stack.extend(children.get(uid, []))
        return out
