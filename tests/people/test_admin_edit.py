"""Issue 14, item 8: administrators change people and units; every change is audited."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from advocacy.accounts.models import Unit, User
from advocacy.activity.models import PersonMonth, UnitMonth
from advocacy.activity.months import month_key
from advocacy.activity.rollup import rebuild
from advocacy.activity.unit_history import unit_at, unit_history
from advocacy.audit.models import AuditEntry
from advocacy.sharing.service import share as make_share
from tests import factories as f

OK = (302, 303)
TZ = ZoneInfo("Europe/Oslo")


def form_for(person, **over):
    data = {"email": person.email, "name": person.name, "title": person.title or "",
            "unit_id": str(person.unit_id or 0), "locale": person.locale or "",
            "roles": sorted(person.role_names),
            "led_unit_ids": [str(i) for i in sorted(person.led_unit_ids)]}
    data.update(over)
    return data


def audits(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id)).all()


def test_admin_changes_name_email_unit_title_and_roles(client, login, db_session):
    old, new = f.unit("Helse"), f.unit("Skole")
    admin = f.user("admin", unit=old)
    person = f.user(unit=old, name="Kari Nordmann", email="kari@example.org")
    login(admin)
    page = client.get(f"/admin/users/{person.id}")
    assert page.status_code == 200 and "kari@example.org" in page.get_data(as_text=True)
    answer = client.post(f"/admin/users/{person.id}", data=form_for(
        person, name="Kari Nord", email="KARI.NORD@example.org", title="Lærer",
        unit_id=str(new.id), roles=["ambassador", "curator"]))
    assert answer.status_code in OK, answer.get_data(as_text=True)[-3000:]
    db_session.expire_all()
    person = db_session.get(User, person.id)
    assert (person.name, person.email, person.title, person.unit_id) == (
        "Kari Nord", "kari.nord@example.org", "Lærer", new.id)
    assert person.role_names == {"ambassador", "curator"}
    [entry] = audits(db_session, "user.update")
    assert entry.actor_id == admin.id and entry.target_id == person.id
    assert set(entry.details["changed"]) == {"name", "email", "title", "unit", "roles"}
    assert entry.details["roles"] == ["ambassador", "curator"]
    # personal data stays out of the log
    assert "Kari" not in str(entry.details) and "example.org" not in str(entry.details)


def test_bad_e_mail_or_taken_e_mail_changes_nothing(client, login, db_session):
    admin = f.user("admin", locale="nb")
    person = f.user(email="one@example.org", name="One")
    f.user(email="two@example.org")
    login(admin)
    bad = client.post(f"/admin/users/{person.id}", data=form_for(person, email="not-an-email",
                                                                 name="Changed"))
    assert bad.status_code == 400
    taken = client.post(f"/admin/users/{person.id}", data=form_for(
        person, email="TWO@example.org", name="Changed"))
    assert taken.status_code == 400
    assert "Denne e-postadressen er allerede i bruk" in taken.get_data(as_text=True)
    db_session.expire_all()
    person = db_session.get(User, person.id)
    assert (person.email, person.name) == ("one@example.org", "One")
    assert audits(db_session, "user.update") == []


def test_nobody_changes_their_own_roles(client, login, db_session):
    admin = f.user("admin", "ambassador", locale="nb")
    login(admin)
    answer = client.post(f"/admin/users/{admin.id}", data=form_for(admin, roles=["ambassador"]))
    assert answer.status_code == 400
    assert "Du kan ikke endre dine egne roller" in answer.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, admin.id).role_names == {"admin", "ambassador"}
    # the own name may change
    assert client.post(f"/admin/users/{admin.id}",
                       data=form_for(admin, name="New Name")).status_code in OK
    db_session.expire_all()
    assert db_session.get(User, admin.id).name == "New Name"


def test_leader_units_change_and_a_leader_needs_a_unit(client, login, db_session):
    a, b = f.unit("A"), f.unit("B")
    admin = f.user("admin")
    person = f.user("leader", led_units=(a,))
    login(admin)
    missing = client.post(f"/admin/users/{person.id}", data=form_for(
        person, led_unit_ids=[], unit_id="0"))
    assert missing.status_code == 400
    assert client.post(f"/admin/users/{person.id}", data=form_for(
        person, led_unit_ids=[str(b.id)])).status_code in OK
    db_session.expire_all()
    assert db_session.get(User, person.id).led_unit_ids == {b.id}
    assert audits(db_session, "user.update")[-1].details["changed"] == ["roles"]


def test_deactivate_and_reactivate_from_the_admin_page(client, login, db_session):
    admin = f.user("admin")
    person = f.user()
    login(admin)
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "0"}).status_code \
        in OK
    db_session.expire_all()
    assert db_session.get(User, person.id).active is False
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "1"}).status_code \
        in OK
    db_session.expire_all()
    assert db_session.get(User, person.id).active is True
    assert [e.target_id for e in audits(db_session, "user.deactivate")] == [person.id]
    assert [e.target_id for e in audits(db_session, "user.reactivate")] == [person.id]
    # not oneself, and nonsense is refused
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db_session.expire_all()
    assert db_session.get(User, admin.id).active is True
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "x"}).status_code \
        == 400


def test_only_admins_reach_the_edit_pages(client, login, db_session):
    curator = f.user("curator")
    person = f.user()
    unit = f.unit()
    login(curator)
    assert client.get(f"/admin/users/{person.id}").status_code == 403
    assert client.post(f"/admin/users/{person.id}", data=form_for(person, name="X")) \
        .status_code == 403
    assert client.get(f"/admin/units/{unit.id}").status_code == 403


def test_rename_and_move_a_unit(client, login, db_session):
    top, other = f.unit("Kommune"), f.unit("Annen")
    ward = f.unit("Post 1", parent=top)
    admin = f.user("admin")
    login(admin)
    assert client.get(f"/admin/units/{ward.id}").status_code == 200
    assert client.post(f"/admin/units/{ward.id}", data={
        "name": "Post 1 Nord", "parent_id": str(other.id)}).status_code in OK
    db_session.expire_all()
    ward = db_session.get(Unit, ward.id)
    assert (ward.name, ward.parent_id) == ("Post 1 Nord", other.id)
    [entry] = audits(db_session, "unit.update")
    assert entry.details == {"changed": ["name", "parent"]} and entry.target_id == ward.id
    # to the top level
    assert client.post(f"/admin/units/{ward.id}", data={
        "name": "Post 1 Nord", "parent_id": "0"}).status_code in OK
    db_session.expire_all()
    assert db_session.get(Unit, ward.id).parent_id is None


def test_a_unit_cannot_move_under_itself_or_its_sub_unit(client, login, db_session):
    top = f.unit("Kommune")
    mid = f.unit("Helse", parent=top)
    low = f.unit("Post 1", parent=mid)
    admin = f.user("admin", locale="da")
    login(admin)
    page = client.get(f"/admin/units/{mid.id}").get_data(as_text=True)
    assert f'value="{low.id}"' not in page and f'value="{top.id}"' in page
    itself = client.post(f"/admin/units/{mid.id}", data={"name": "Helse",
                                                         "parent_id": str(mid.id)})
    assert itself.status_code == 400
    assert "En enhed kan ikke placeres under sig selv" in itself.get_data(as_text=True)
    below = client.post(f"/admin/units/{top.id}", data={"name": "Kommune",
                                                        "parent_id": str(low.id)})
    assert below.status_code == 400
    assert "Post 1" in below.get_data(as_text=True)
    assert "underenhed" in below.get_data(as_text=True)
    unknown = client.post(f"/admin/units/{top.id}", data={"name": "Kommune",
                                                          "parent_id": "999999"})
    assert unknown.status_code == 400
    db_session.expire_all()
    assert db_session.get(Unit, top.id).parent_id is None
    assert db_session.get(Unit, mid.id).parent_id == top.id
    assert audits(db_session, "unit.update") == []


def test_a_unit_name_stays_unique_among_its_siblings(client, login, db_session):
    top = f.unit("Kommune")
    f.unit("Helse", parent=top)
    other = f.unit("Helse")
    admin = f.user("admin")
    login(admin)
    answer = client.post(f"/admin/units/{other.id}", data={"name": "Helse",
                                                           "parent_id": str(top.id)})
    assert answer.status_code == 400
    db_session.expire_all()
    assert db_session.get(Unit, other.id).parent_id is None


def test_moving_a_person_or_a_unit_does_not_rewrite_past_months(client, login, db_session):
    """Activity stays with the unit the person was in at the time (rollups per unit id)."""
    top = f.unit("Kommune")
    old, new = f.unit("Gammel", parent=top), f.unit("Ny", parent=top)
    admin = f.user("admin")
    person = f.user(unit=old)
    item = f.post(now=datetime(2025, 1, 1, tzinfo=UTC))
    make_share(person, item, "linkedin", "a", datetime(2025, 3, 10, tzinfo=UTC))
    rebuild(TZ)

    def months():
        return ({(month_key(r.month), r.unit_id, r.shares)
                 for r in db_session.scalars(select(PersonMonth)
                                             .where(PersonMonth.user_id == person.id))},
                {(month_key(r.month), r.unit_id, r.shares)
                 for r in db_session.scalars(select(UnitMonth))})

    before = months()
    assert before[0] == {("2025-03", old.id, 1)}
    login(admin)
    assert client.post(f"/admin/users/{person.id}", data=form_for(
        person, unit_id=str(new.id))).status_code in OK
    # and the old unit itself moves in the tree
    assert client.post(f"/admin/units/{old.id}", data={"name": "Gammel",
                                                       "parent_id": str(new.id)}).status_code \
        in OK
    db_session.expire_all()
    rebuild(TZ)
    assert months() == before
    history = unit_history()[person.id]
    assert unit_at(history, datetime(2025, 3, 10, tzinfo=UTC)) == old.id
    assert db_session.get(User, person.id).unit_id == new.id
