"""No group or count under the minimum can be derived (issue 10, item 2), as a property.

For random unit trees and head counts, everything a leader can fetch about people counts —
every scope the folding lets them open, each of its rows and its "All" row, page and CSV
alike, since both come from `advocacy.folding` — is collected as linear equations
over the units' head counts. Any group whose size follows from them (its indicator lies in
the span of the published rows, computed exactly over the rationals) must have 0 or at least
the minimum people; the same for counts inside groups (active people) and their complement.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from advocacy import folding as fold


@st.composite
def trees(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    parents: dict[int, int | None] = {}
    for unit in range(1, n + 1):
        parents[unit] = draw(st.one_of(st.none(), st.integers(1, unit - 1))) if unit > 1 \
            else None
    sizes = {u: draw(st.integers(0, 9)) for u in [0, *parents]}
    active = {u: draw(st.integers(0, sizes[u])) for u in sizes}
    min_group = draw(st.integers(2, 6))
    return parents, sizes, active, min_group


def published(folding: fold.Folding, active: dict[int, int]):
    """(units, exact head count) and (units, exact active count) of everything fetchable."""
    heads, counts = [], []
    scopes = [fold.ORGANISATION, *folding.parents]
    for scope in scopes:
        if not folding.shown(scope):
            continue
        groups = [units for _key, units in folding.rows(scope)] + [folding.subtree(scope)]
        for units in groups:
            heads.append(frozenset(units))
            cell = folding.count_cell(set(units), active)
            if fold.is_exact(cell):
                counts.append(frozenset(units))
            else:
                assert cell is None or cell == fold.below(folding.min_group)
    return heads, counts


def in_span(rows: list[frozenset], target: frozenset, columns: list[int]) -> bool:
    """Is the indicator of `target` a rational combination of the rows' indicators?"""
    if not rows:
        return False
    matrix = [[Fraction(int(c in r)) for c in columns] for r in rows]
    vector = [Fraction(int(c in target)) for c in columns]
    return _rank(matrix + [vector]) == _rank(matrix)


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


@settings(max_examples=150, deadline=None)
@given(trees())
def test_nothing_under_the_minimum_follows_from_what_can_be_fetched(case):
    parents, sizes, active, min_group = case
    folding = fold.fold_units(parents, sizes, min_group)
    heads, counts = published(folding, active)
    # every published group is made of whole blocks of at least the minimum
    for units in heads:
        assert sum(sizes[u] for u in units) == 0 or sum(sizes[u] for u in units) >= min_group
    assert_nothing_small_follows(heads, counts, sizes, active, min_group)


def assert_nothing_small_follows(heads, counts, sizes, active, min_group) -> None:
    """No group of 1 … min-1 people lies in the span of the published head counts, and in
    the span of the published counts of people who did something, those who did and those
    who did not are 0 or at least the minimum."""
    columns = sorted(sizes)
    for n in range(1, len(columns) + 1):
        for group in itertools.combinations(columns, n):
            target = frozenset(group)
            people = sum(sizes[u] for u in target)
            if 0 < people < min_group:
                assert not in_span(heads, target, columns), (group, people)
            if in_span(counts, target, columns):
                did = sum(active[u] for u in target)
                assert did == 0 or did >= min_group, (group, did)
                assert people - did == 0 or people - did >= min_group, (group, did)


@settings(max_examples=150, deadline=None)
@given(trees())
def test_a_leader_never_gets_an_exact_row_of_fewer_than_the_minimum(case):
    parents, sizes, active, min_group = case
    folding = fold.fold_units(parents, sizes, min_group)
    for scope in [fold.ORGANISATION, *parents]:
        rows = folding.rows(scope)
        if not folding.shown(scope):
            assert rows == []
            continue
        covered = set().union(*(units for _k, units in rows)) if rows else set()
        assert sum(sizes[u] for u in folding.subtree(scope) - covered) == 0
        for _key, units in rows:
            assert sum(sizes[u] for u in units) >= min_group


def test_the_issues_example_folds_the_complement():
    # All = 7 next to Care = 5 would reveal Other = 2
    folding = fold.fold_units({1: None, 2: None}, {0: 0, 1: 5, 2: 2}, 5)
    rows = folding.rows(fold.ORGANISATION)
    assert [key for key, _u in rows] == [fold.OTHER]
    assert folding.total(rows[0][1]) == 7
    assert not folding.shown(1) and not folding.shown(2)


def test_fold_flat_folds_the_smallest_shown_group_into_a_small_other():
    assert fold.fold_flat({"a": 5, "b": 2}, 5) == {"a": fold.OTHER, "b": fold.OTHER}
    assert fold.fold_flat({"a": 5, "b": 6, "c": 2}, 5) == {
        "a": fold.OTHER, "b": "b", "c": fold.OTHER}
    assert fold.fold_flat({"a": 5, "b": 5}, 5) == {"a": "a", "b": "b"}


# --- over time: each period folds by its own head counts (issue 10, item 2) -----------------

@st.composite
def histories(draw):
    """A unit tree, head counts and active counts per period (people join, move and leave
    between periods), and the head counts now (those decide which scopes open)."""
    parents, _sizes, _active, min_group = draw(trees())
    units = [0, *parents]
    periods = []
    for _ in range(draw(st.integers(2, 4))):
        sizes = {u: draw(st.integers(0, 9)) for u in units}
        active = {u: draw(st.integers(0, sizes[u])) for u in units}
        periods.append((sizes, active))
    now = {u: draw(st.integers(0, 9)) for u in units}
    return parents, now, periods, min_group


def published_in_period(opened: list[int], folding: fold.Folding, active: dict[int, int]):
    """What the over-time tables show of one period across every scope a leader can open:
    the scope's head count (and its shares, clicks, networks: sums over the same units) when
    the scope is closed in that period's blocks, and the people who shared as `count_cell`
    of those blocks (`insights.context.Context.period_shown`, `over_time._sharing_cells`)."""
    heads, counts = [], []
    for scope in opened:
        if not folding.shown(scope):
            continue
        units = folding.subtree(scope)
        heads.append(frozenset(units))
        cell = folding.count_cell(set(units), active)
        if fold.is_exact(cell):
            counts.append(frozenset(units))
        else:
            assert cell is None or cell == fold.below(folding.min_group)
    return heads, counts


@settings(max_examples=120, deadline=None)
@given(histories())
def test_no_past_group_under_the_minimum_follows_from_the_tables_over_time(case):
    parents, now, periods, min_group = case
    today = fold.fold_units(parents, now, min_group)
    opened = [s for s in [fold.ORGANISATION, *parents] if today.shown(s)]
    for sizes, active in periods:
        folding = fold.fold_units(parents, sizes, min_group)
        heads, counts = published_in_period(opened, folding, active)
        assert_nothing_small_follows(heads, counts, sizes, active, min_group)


@st.composite
def cohorts(draw):
    """A tree, head counts now, and joiners per unit and joining quarter."""
    parents, sizes, _active, min_group = draw(trees())
    quarters = draw(st.integers(1, 3))
    joined = {(u, q): draw(st.integers(0, 6)) for u in [0, *parents] for q in range(quarters)}
    return parents, sizes, joined, min_group


@settings(max_examples=150, deadline=None)
@given(cohorts())
def test_cohorts_of_every_scope_are_sums_of_the_same_cells_of_at_least_the_minimum(case):
    """The retention table's cohort sizes (`insights.cohorts.retention_table`): every row of
    every scope a leader can open lies in the span of disjoint cells of at least the minimum,
    so whatever follows from them by adding and subtracting is whole cells or nothing."""
    parents, sizes, joined, min_group = case
    folding = fold.fold_units(parents, sizes, min_group)
    scopes = [s for s in [fold.ORGANISATION, *parents] if folding.shown(s)]
    every = folding.blocks_in(folding.subtree(fold.ORGANISATION))
    quarters = sorted({q for _u, q in joined})
    per_block = {b: {q: sum(joined[(u, q)] for u in units) for q in quarters}
                 for b, units in every.items()}
    folded = fold.fold_cohorts(per_block, min_group)
    variables = sorted(joined)
    cells: dict[tuple, frozenset] = {}
    for block, groups in folded.items():
        for quarter, target in groups.items():
            cells[(block, target)] = cells.get((block, target), frozenset()) | frozenset(
                (u, quarter) for u in every[block])
    for cell in cells.values():
        assert sum(joined[v] for v in cell) >= min_group
    rows = []
    for scope in scopes:
        units = folding.subtree(scope)
        by_key: dict[object, frozenset] = {}
        for (block, target), cell in cells.items():
            if every[block] <= units:  # a block reaching in with empty units: left out
                by_key[target] = by_key.get(target, frozenset()) | cell
        rows.extend(by_key.values())
    cell_rows = list(cells.values())
    for row in rows:
        assert in_span(cell_rows, row, variables)


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_no_leaders_figure_of_fewer_than_the_minimum_who_shared_follows(case, data):
    """Leaders go first (issue 14 item 13 under issue 10's rule): the leaders' and the
    ambassadors' shares, hours and counts of every scope that shows them are sums over the
    people who shared; no group of fewer than the minimum leaders (or ambassadors) who
    shared follows from any combination of the scopes a leader can open."""
    from advocacy.insights.foldings import leader_foldings

    parents, _sizes, _active, min_group = case
    units = [0, *parents]
    leaders = {u: data.draw(st.integers(0, 7)) for u in units}
    active = {u: leaders[u] + data.draw(st.integers(0, 7)) for u in units}
    by_leaders, by_others = leader_foldings(parents, min_group, [1], {1: (active, leaders)})[1]
    published = [frozenset(by_leaders.subtree(scope)) for scope in units
                 if by_leaders.shown(scope) and by_others.shown(scope)]
    for n in range(1, len(units) + 1):
        for group in itertools.combinations(units, n):
            target = frozenset(group)
            if not in_span(published, target, units):
                continue
            led = sum(leaders[u] for u in target)
            others = sum(active[u] - leaders[u] for u in target)
            assert led == 0 or led >= min_group, (group, led)
            assert others == 0 or others >= min_group, (group, others)
