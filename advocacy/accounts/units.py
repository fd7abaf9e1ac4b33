"""The unit tree: read once per request (or task) into a value object every feature walks.

`tree()` reads every unit's id, parent and name in one query and keeps the result for the
rest of the application context (a request, a Celery task). A flush or statement that
adds, changes or deletes a unit, and a rollback, drop it: the next `tree()` reads again.
Everything that walks units (the queue's targeting, leaders' scopes, the dashboards'
folding, the people import's paths, select boxes) asks this object instead of reading
the table itself (docs/architecture.md, "One mechanism per job").
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from advocacy.accounts.models import Unit
from advocacy.extensions import db
from advocacy.trees import subtree

_KEY = "advocacy_unit_tree"


@dataclass(frozen=True)
class UnitTree:
    """Units by id with their parent and name; children in name order."""

    parents: dict[int, int | None]
    names: dict[int, str]
    children: dict[int | None, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> UnitTree:
        rows = db.session.execute(
            select(Unit.id, Unit.parent_id, Unit.name).order_by(Unit.name, Unit.id)
        ).tuples().all()
        children: dict[int | None, list[int]] = {}
        for uid, parent, _name in rows:
            children.setdefault(parent, []).append(uid)
        return cls(parents={uid: parent for uid, parent, _name in rows},
                   names={uid: name for uid, _parent, name in rows},
                   children={parent: tuple(ids) for parent, ids in children.items()})

    def chain(self, unit_id: int | None) -> tuple[int, ...]:
        """The unit and every unit above it, nearest first (empty for an unknown unit)."""
        chain: list[int] = []
        node = unit_id if unit_id in self.parents else None
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        return tuple(chain)

    def ancestors(self, unit_id: int | None) -> set[int]:
        """The unit and every unit above it: a post aimed at a unit reaches its sub-units."""
        return set(self.chain(unit_id)) if unit_id is not None else set()

    def descendants(self, unit_ids: Iterable[int]) -> set[int]:
        """The units and every unit below them."""
        return subtree(self.children, unit_ids)

    def in_order(self) -> list[tuple[int, int]]:
        """(unit id, depth) in tree order, each level by name: select boxes, the admin list."""
        out: list[tuple[int, int]] = []
        stack = [(uid, 0) for uid in reversed(self.children.get(None, ()))]
        while stack:
            uid, depth = stack.pop()
            out.append((uid, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(uid, ())))
        return out

    def path(self, unit_id: int) -> list[str]:
        """The names from the top of the tree down to the unit."""
        return [self.names[uid] for uid in reversed(self.chain(unit_id))]

    def label(self, unit_id: int) -> str:
        """The path as one line, top first: "Care › Home care › Night"."""
        return " › ".join(self.path(unit_id))

    @property
    def fingerprint(self) -> int:
        """Changes whenever a unit is added, removed or moved (stored tables note it)."""
        return zlib.crc32(repr(sorted(self.parents.items())).encode())


def tree() -> UnitTree:
    """This request's (or task's) unit tree, read on first use."""
    if not has_app_context():
        return UnitTree.load()
    found = g.get(_KEY)
    if found is None:
        found = UnitTree.load()
        setattr(g, _KEY, found)
    return found


@event.listens_for(Session, "after_flush")
def _forget_on_unit_change(session: Session, _context) -> None:
    if has_app_context() and any(
            isinstance(obj, Unit) for obj in (*session.new, *session.dirty, *session.deleted)):
        g.pop(_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_unit_statement(state) -> None:
    """An INSERT, UPDATE or DELETE on the units table that bypasses the ORM's objects."""
    if has_app_context() and (state.is_insert or state.is_update or state.is_delete):
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) == Unit.__tablename__:
            g.pop(_KEY, None)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    if has_app_context():
        g.pop(_KEY, None)
