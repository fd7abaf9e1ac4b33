"""The one unit tree (advocacy/accounts/units.py): read once per context, walked by everyone."""

from __future__ import annotations

from sqlalchemy import update

from advocacy.accounts import service as accounts
from advocacy.accounts.models import Unit
from advocacy.accounts.units import UnitTree, tree
from tests import factories as f
from tests.app.querycount import count_statements


def _units_reads(statements) -> int:
    return sum(1 for s in statements if s.upper().startswith("SELECT") and "FROM UNITS" in
               s.upper() and "JOIN" not in s.upper())


def test_the_tree_walks_up_down_in_order_and_by_path(app, db_session):
    care = f.unit("Care")
    home = f.unit("Home care", care)
    night = f.unit("Night", home)
    school = f.unit("Schools")
    f.unit("Ærtebjerg", school)
    units = tree()
    assert units.ancestors(night.id) == {night.id, home.id, care.id}
    assert units.ancestors(None) == set() and units.ancestors(10**9) == set()
    assert units.descendants([care.id]) == {care.id, home.id, night.id}
    assert [(units.names[uid], depth) for uid, depth in units.in_order()] == [
        ("Care", 0), ("Home care", 1), ("Night", 2), ("Schools", 0), ("Ærtebjerg", 1)]
    assert units.path(night.id) == ["Care", "Home care", "Night"]
    assert [u.name for u, _depth in accounts.unit_tree()] == [
        "Care", "Home care", "Night", "Schools", "Ærtebjerg"]


def test_a_loop_in_the_tree_does_not_hang_the_walk(app, db_session):
    a = f.unit("A")
    b = f.unit("B", a)
    db_session.execute(update(Unit).where(Unit.id == a.id).values(parent_id=b.id))
    units = UnitTree.load()
    assert units.ancestors(b.id) == {a.id, b.id}
    assert units.descendants([a.id]) == {a.id, b.id}


def test_one_read_per_context_and_a_unit_change_reads_again(app, db_session):
    care = f.unit("Care")
    with count_statements() as first:
        for _ in range(5):
            accounts.ancestor_ids(care.id)
            accounts.descendant_ids([care.id])
    assert _units_reads(first) == 1, first.report()
    home = f.unit("Home care", care)  # an ORM flush drops the cached tree
    assert accounts.descendant_ids([care.id]) == {care.id, home.id}
    db_session.execute(update(Unit).where(Unit.id == home.id).values(parent_id=None))
    assert accounts.descendant_ids([care.id]) == {care.id}  # so does a bulk UPDATE
    before = tree().fingerprint
    f.unit("Night", home)
    assert tree().fingerprint != before


def test_the_queue_reads_the_units_once_however_many_posts_it_ranks(app, db_session, client,
                                                                  login):
    care = f.unit("Care")
    person = f.user("ambassador", unit=f.unit("Night", f.unit("Home", care)))
    for n in range(6):
        f.post(title=f"Post {n}", units=(care,))
    login(person)
    with count_statements() as seen:
        assert client.get("/").status_code == 200
    assert _units_reads(seen) == 1, seen.report()
