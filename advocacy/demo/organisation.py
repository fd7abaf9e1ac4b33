"""The organisation: the unit tree (sectors, groups, workplaces) and the topics."""

from __future__ import annotations

import bisect
import itertools

from advocacy.accounts.models import Unit
from advocacy.content.models import Topic
from advocacy.demo import catalogue as cat
from advocacy.demo.base import GeneratorBase
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, dt
from advocacy.demo.specs import LeafInfo


class Organisation(GeneratorBase):
    def build_units(self) -> None:
        nodes: list[tuple[str, int | None]] = []  # (name, parent index)
        leaves: list[tuple[cat.Leaf, int, list[int]]] = []
        groups: list[tuple[cat.Group, int, int]] = []  # (group, index, depth)

        def walk(node, parent: int | None, trail: list[int], depth: int) -> None:
            nodes.append((node.name, parent))
            index = len(nodes) - 1
            path = [*trail, index]
            if isinstance(node, cat.Leaf):
                leaves.append((node, index, path))
            else:
                groups.append((node, index, depth))
                for child in node.children:
                    walk(child, index, path, depth + 1)

        walk(cat.Group(cat.ORG_NAME, cat.SECTORS), None, [], 0)
        first = reserve_ids(self.conn, Unit.__table__, len(nodes))
        ids = [first + i for i in range(len(nodes))]
        created = dt(self.start - 60 * DAY)
        self.write(
            Unit.__table__, ("id", "name", "parent_id", "created_at"),
            [(ids[i], name, None if parent is None else ids[parent], created)
             for i, (name, parent) in enumerate(nodes)],
        )
        self.root_id = ids[0]
        self.sector_ids = {group.name: ids[i] for group, i, depth in groups if depth == 1}
        self.sub_groups = [(group, ids[i], frozenset(ids[j] for j in self._path(nodes, i)))
                           for group, i, depth in groups if depth >= 2]
        self.leaves = [
            LeafInfo(leaf, ids[i], frozenset(ids[j] for j in path), ids[path[1]], ids[path[-2]])
            for leaf, i, path in leaves
        ]
        self.leaf_cum = list(itertools.accumulate(info.leaf.weight for info in self.leaves))
        self.ancestors = {ids[0]: frozenset({ids[0]})}
        for unit_id in self.sector_ids.values():
            self.ancestors[unit_id] = frozenset({ids[0], unit_id})
        for _group, unit_id, path in self.sub_groups:
            self.ancestors[unit_id] = path
        for info in self.leaves:
            self.ancestors[info.unit_id] = info.ancestors
        below: dict[int, set[int]] = {}
        for unit_id, ancestors in self.ancestors.items():
            for above in ancestors:
                below.setdefault(above, set()).add(unit_id)
        self.descendants = {unit_id: frozenset(ids) for unit_id, ids in below.items()}

    @staticmethod
    def _path(nodes, index: int) -> list[int]:
        path = []
        current: int | None = index
        while current is not None:
            path.append(current)
            current = nodes[current][1]
        return path

    def build_topics(self) -> None:
        first = reserve_ids(self.conn, Topic.__table__, len(cat.TOPICS))
        created = dt(self.start - 45 * DAY)
        self.topic_ids = {name: first + i for i, (name, _d, _a) in enumerate(cat.TOPICS)}
        self.write(
            Topic.__table__, ("id", "name", "description", "archived", "created_at"),
            [(first + i, name, description, archived, created)
             for i, (name, description, archived) in enumerate(cat.TOPICS)],
        )

    def leaf_named(self, name: str) -> LeafInfo:
        return next(info for info in self.leaves if info.leaf.name == name)

    def random_leaf(self) -> LeafInfo:
        """A workplace, weighted by its staff: most people work in care and schools."""
        return self.leaves[bisect.bisect(self.leaf_cum, self.rng.random() * self.leaf_cum[-1])]
