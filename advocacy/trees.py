"""Walking a tree given as lists of children: the unit tree (accounts/units.py) and the
folding's blocks (folding.py) both ask for every node at or below some nodes."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

Node = TypeVar("Node", bound=Hashable)


def subtree(children: Mapping[Any, Iterable[Node]], roots: Iterable[Node]) -> set[Node]:
    """The roots and every node below them (a node met twice is walked once). The mapping's
    keys may hold more than nodes (the unit tree keys its top units under None)."""
    out: set[Node] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in out:
            out.add(node)
            stack.extend(children.get(node, ()))
    return out
