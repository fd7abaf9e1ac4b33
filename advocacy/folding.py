"""Folding groups of people so that no group or count under the minimum can be worked out.

One pure function does it for every surface that shows figures about groups of people (the
corps-health page, its CSV files and the JSON API): `fold_units` splits the unit tree into
*blocks* of at least the minimum, and every published figure is a sum over whole blocks.

Why blocks: if every number anyone can fetch (any scope, any row, the "All" row) is a sum
over whole blocks, then whatever can be derived by adding and subtracting those numbers is
again a sum over whole blocks — so at least the minimum, or nothing. "Other" stops being the
difference of "All" and the shown rows by accident; it is a block (or several) by design.

How: bottom-up, a unit's own people plus the leftovers of its sub-units that were too small
form the unit's block once they reach the minimum; if they are too few, the unit takes in
the smallest block formed just below it (that sub-unit then folds into it); with no block
below, the leftovers travel up to the parent. A leftover at the top that is still too small
is merged with the block nearest the top. A unit is *closed* when its whole subtree is a
union of blocks: only closed units are shown as a row or may be opened as a scope.

Figures over time are folded the same way period by period: each period has its own blocks,
from the head counts at its end, and a scope's figures of a period are shown only when the
scope is closed in that period's blocks. Cohorts fold within each block (`fold_cohorts`).

Counts inside a group (active people, people who stopped) follow `count_cell`: exact only
where every block of the group is safe; a count of 1 to minimum-1 reads "<minimum" (as
statistics offices print it) and any other unsafe count is left out ("–").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from advocacy.trees import subtree

ORGANISATION = 0  # the virtual root; its own people are those without a unit
OTHER = "other"


def below(min_group: int) -> str:
    """How a count of 1 to min_group-1 people is shown (page, CSV and API alike)."""
    return f"<{min_group}"


@dataclass
class Folding:
    min_group: int
    parents: dict[int, int]  # unit -> parent (ORGANISATION for top-level units)
    sizes: dict[int, int]  # unit -> its own people (ORGANISATION: people without a unit)
    block_of: dict[int, int]  # unit -> the id of its block (the unit that formed it)
    closed: set[int]  # units (and ORGANISATION) whose whole subtree is a union of blocks
    children: dict[int, list[int]] = field(default_factory=dict)
    inside: dict[int, set[int]] = field(default_factory=dict)  # unit -> its subtree

    def subtree(self, unit_id: int) -> set[int]:
        if unit_id in self.inside:
            return set(self.inside[unit_id])
        return subtree(self.children, [unit_id])

    def total(self, units: Iterable[int]) -> int:
        return sum(self.sizes.get(u, 0) for u in units)

    def shown(self, scope: int) -> bool:
        """May this scope's figures be shown at all (a page, a CSV, an API answer)?"""
        return scope in self.closed and self.total(self.subtree(scope)) >= self.min_group

    def rows(self, scope: int) -> list[tuple[object, set[int]]]:
        """The groups a scope's page shows: (key, units). A closed sub-unit with people is a
        row of its own (its key is its id); the rest — the scope's own people and sub-units
        too small to stand alone — is one row, OTHER, itself a union of blocks."""
        if not self.shown(scope):
            return []
        out: list[tuple[object, set[int]]] = []
        rest = {scope}
        for child in self.children.get(scope, ()):
            units = self.subtree(child)
            if child in self.closed:
                if self.total(units):
                    out.append((child, units))
            else:
                rest |= units
        if self.total(rest):
            out.append((OTHER, rest))
        return out

    def row_of(self, scope: int) -> dict[int, object]:
        """unit -> the key of the row it is counted in on this scope's page."""
        return {u: key for key, units in self.rows(scope) for u in units}

    def blocks_in(self, units: Iterable[int]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = defaultdict(set)
        for u in units:
            out[self.block_of.get(u, ORGANISATION)].add(u)
        return out

    def count_cell(self, units: set[int], values: Mapping[int, int],
                   sizes: Mapping[int, int] | None = None) -> int | str | None:
        """A count of people inside a group, as it may be shown.

        Exact when in every block of the group the count is 0 or at least the minimum and so
        is the rest of the block (who did not); then every sum and difference of shown counts
        is safe too. Otherwise "<min" for 1 … min-1 and None (left out) for anything else.
        """
        sizes = self.sizes if sizes is None else sizes
        value = sum(values.get(u, 0) for u in units)
        for block_units in self.blocks_in(self.block_units(units)).values():
            n = sum(values.get(u, 0) for u in block_units)
            rest = sum(sizes.get(u, 0) for u in block_units) - n
            if not (_safe(n, self.min_group) and _safe(rest, self.min_group)):
                return below(self.min_group) if 0 < value < self.min_group else None
        return value

    def block_units(self, units: set[int]) -> set[int]:
        """Every unit of every block that the group touches (the blocks are what is safe)."""
        wanted = {self.block_of.get(u, ORGANISATION) for u in units}
        return {u for u, b in self.block_of.items() if b in wanted}


def _safe(n: int, min_group: int) -> bool:
    return n == 0 or n >= min_group


def fold_units(parents: Mapping[int, int | None], sizes: Mapping[int, int],
               min_group: int) -> Folding:
    """Blocks of at least `min_group` people over the unit tree (see the module docstring).

    parents: unit -> parent unit (None at the top); sizes: unit -> its own people, with
    ORGANISATION (0) for people without a unit. Units in a cycle are treated as top-level.
    """
    min_group = max(1, int(min_group))
    tree, children, order, depth, inside = _shape(parents)
    own = {u: int(sizes.get(u, 0)) for u in tree}
    own[ORGANISATION] = int(sizes.get(ORGANISATION, 0))

    block_of: dict[int, int] = {}
    block_size: dict[int, int] = {}
    pending: dict[int, list[int]] = {}  # unit -> units whose people have not found a block yet
    for unit in order:
        waiting = [unit]
        for child in children.get(unit, ()):
            waiting.extend(pending.pop(child, []))
        people = sum(own.get(u, 0) for u in waiting)
        if unit != ORGANISATION and 0 < people < min_group:
            # Too few of its own: take in the smallest block formed just below, so that this
            # unit (and the units above it) can still be shown; that sub-unit folds into it.
            below_blocks = [c for c in children.get(unit, ()) if block_of.get(c) == c]
            if below_blocks:
                chosen = min(below_blocks, key=lambda c: (block_size[c], c))
                waiting.extend(u for u, b in block_of.items() if b == chosen)
                people += block_size.pop(chosen)
        if unit != ORGANISATION and people >= min_group:
            for u in waiting:
                block_of[u] = unit
            block_size[unit] = people
        else:
            pending[unit] = waiting
    top = pending.pop(ORGANISATION, [ORGANISATION])
    leftover = sum(own.get(u, 0) for u in top)
    if 0 < leftover < min_group:
        # Too few at the top: join the block nearest the top (then the smallest, then by id).
        sizes_by_block: dict[int, int] = defaultdict(int)
        for u, b in block_of.items():
            sizes_by_block[b] += own.get(u, 0)
        if sizes_by_block:
            chosen = min(sizes_by_block, key=lambda b: (depth.get(b, 0), sizes_by_block[b], b))
            for u, b in list(block_of.items()):
                if b == chosen:
                    block_of[u] = ORGANISATION
    for u in top:
        block_of[u] = ORGANISATION

    folding = Folding(min_group, dict(tree), own, block_of, set(), dict(children), inside)
    # closed: the people of the subtree are those of whole blocks (units without people of
    # their own belong to a block only on paper: a unit whose people are all in sub-units
    # that are blocks is closed)
    members: dict[int, set[int]] = defaultdict(set)
    for u, b in block_of.items():
        if own.get(u, 0):
            members[b].add(u)
    for unit, units in inside.items():
        if all(members[block_of[u]] <= units for u in units if own.get(u, 0)):
            folding.closed.add(unit)
    if 0 < sum(own.values()) < min_group:
        folding.closed.discard(ORGANISATION)
    return folding


_SHAPES: dict[tuple, tuple] = {}  # the tree's shape by its parents: the same for every period


def _shape(parents: Mapping[int, int | None]) -> tuple:
    """(tree, children, post order, depth, subtree sets) of a unit tree, computed once per
    tree: a page folds the same tree for every period of its span."""
    key = tuple(sorted(parents.items(), key=lambda kv: kv[0]))
    found = _SHAPES.get(key)
    if found is not None:
        return found
    tree: dict[int, int] = {}
    for unit, parent in parents.items():
        tree[unit] = parent if parent is not None and parent in parents else ORGANISATION
    _break_cycles(tree)
    children: dict[int, list[int]] = defaultdict(list)
    for unit, parent in sorted(tree.items()):
        children[parent].append(unit)
    children = dict(children)
    order = _post_order(children)
    depth: dict[int, int] = {ORGANISATION: 0}
    for unit in reversed(order):  # parents before their children
        if unit != ORGANISATION:
            depth[unit] = depth[tree[unit]] + 1
    inside: dict[int, set[int]] = {}
    for unit in order:
        units = {unit}
        for child in children.get(unit, ()):
            units |= inside[child]
        inside[unit] = units
    if len(_SHAPES) > 8:
        _SHAPES.clear()
    found = _SHAPES[key] = (tree, children, order, depth, inside)
    return found


def _break_cycles(tree: dict[int, int]) -> None:
    for start in list(tree):
        seen, node = set(), start
        while node != ORGANISATION and node in tree:
            if node in seen:
                tree[node] = ORGANISATION
                break
            seen.add(node)
            node = tree[node]


def _post_order(children: Mapping[int, list[int]]) -> list[int]:
    out: list[int] = []
    stack: list[tuple[int, bool]] = [(ORGANISATION, False)]
    while stack:
        node, done = stack.pop()
        if done:
            out.append(node)
            continue
        stack.append((node, True))
        for child in reversed(children.get(node, ())):
            stack.append((child, False))
    return out


def fold_flat(sizes: Mapping[object, int], min_group: int) -> dict[object, object]:
    """Groups without a tree (cohorts): under the minimum go to OTHER, and while OTHER is
    itself 1 … min-1 the smallest shown group joins it — so the total minus the shown groups
    never gives a small group. Returns group -> shown group."""
    kept = {g for g, n in sizes.items() if n >= min_group}
    other = sum(n for g, n in sizes.items() if g not in kept)
    while 0 < other < min_group and kept:
        smallest = min(kept, key=lambda g: (sizes[g], str(g)))
        kept.discard(smallest)
        other += sizes[smallest]
    return {g: (g if g in kept else OTHER) for g in sizes}


def fold_cohorts(sizes: Mapping[int, Mapping[object, int]],
                 min_group: int) -> dict[int, dict[object, object]]:
    """Cohorts folded block by block: block -> {group: shown group} (`fold_flat` within the
    block). A block whose groups add up to fewer than `min_group` is left out entirely.

    Every cohort figure of a scope is then a sum of cells (block, shown group) of at least
    the minimum, the same cells for every scope: a scope's cohort minus a sub-unit's is again
    whole cells, never a smaller group."""
    out: dict[int, dict[object, object]] = {}
    for block, groups in sizes.items():
        groups = {g: n for g, n in groups.items() if n}
        if sum(groups.values()) >= min_group:
            out[block] = fold_flat(groups, min_group)
    return out


def scope_count(n: int | None, min_group: int) -> int | str | None:
    """A count of people for a whole shown scope (its total is at least the minimum)."""
    if n is None:
        return None
    return below(min_group) if 0 < n < min_group else n


def is_exact(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
