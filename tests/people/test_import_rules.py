"""Issue 10 item 13: imports respect roles and shape. An import changes only people and roles
its importer may change by hand (one rule, `people.service.change_problem`, shared with the
people page), never its own roles, never an administrator's account; malformed CSV is refused
naming the line; the stated maximum works, and bigger files are refused saying the limit."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from advocacy.accounts.models import Role, RoleName, User
from advocacy.db import utcnow
from advocacy.people import service
from advocacy.people.service import Importer, ImportFileError
from tests import factories as f


def roles(session, person) -> set[str]:
    return set(session.scalars(select(Role.name).where(Role.user_id == person.id)))


def upload(client, data: bytes):
    return client.post("/curate/people/import",
                       data={"file": (io.BytesIO(data), "people.csv")},
                       content_type="multipart/form-data")


def token_of(page: str) -> str:
    return page.split('name="token" type="hidden" value="')[1].split('"')[0]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_curators_import_cannot_give_leader_to_anyone_or_to_themselves(
        client, login, db_session):
    health = f.unit("Helse")
    curator = f.user("curator", unit=health, email="cura@example.org")
    colleague = f.user(unit=health, email="colleague@example.org")
    login(curator)
    csv_data = (b"email,name,unit,roles\n"
                b"cura@example.org,Cura,Helse,leader\n"
                b"colleague@example.org,Colleague,Helse,leader\n"
                b"new@example.org,New Person,Helse,curator\n"
                b"fine@example.org,Fine Person,Helse,ambassador\n")
    page = upload(client, csv_data).get_data(as_text=True)
    assert "You cannot change your own roles." in page
    assert page.count("You may not give the role") == 2
    assert "1 new person" in page
    assert client.post("/curate/people/import/confirm",
                       data={"token": token_of(page)}).status_code == 302
    assert roles(db_session, curator) == {RoleName.CURATOR}
    assert roles(db_session, colleague) == {RoleName.AMBASSADOR}
    assert db_session.scalar(select(User).where(User.email == "new@example.org")) is None
    fine = db_session.scalar(select(User).where(User.email == "fine@example.org"))
    assert roles(db_session, fine) == {RoleName.AMBASSADOR}
    assert not db_session.scalar(select(func.count()).select_from(Role)
                                 .where(Role.name == RoleName.LEADER))


def test_no_import_renames_or_moves_an_administrator(client, login, db_session):
    health, school = f.unit("Helse"), f.unit("Skole")
    admin = f.user("admin", unit=health, email="boss@example.org", name="The Admin")
    curator = f.user("curator")
    login(curator)
    page = upload(client, b"email,name,unit\nboss@example.org,Renamed,Skole\n").get_data(
        as_text=True)
    assert "an import never changes an administrator" in page
    assert "Nothing to import" in page
    db_session.refresh(admin)
    assert (admin.name, admin.unit_id) == ("The Admin", health.id)
    # Not by an administrator's import either; an unchanged row is simply unchanged.
    by_admin = service.parse(b"email,name,unit\nboss@example.org,Renamed,Skole\n",
                             by=Importer.of(f.user("admin")))
    assert by_admin.errors and not by_admin.rows
    same = service.parse(b"email,name,unit\nboss@example.org,The Admin,Helse\n",
                         by=Importer.of(curator))
    assert not same.errors and len(same.unchanged) == 1
    assert school.id != admin.unit_id


def test_an_administrators_import_may_appoint_leaders_but_not_administrators(db_session):
    f.unit("Helse")
    admin = f.user("admin")
    plan = service.parse(b"email,name,unit,roles\nlea@example.org,Lea,Helse,leader|curator\n"
                         b"adm@example.org,Adm,Helse,admin\n", by=Importer.of(admin))
    assert [r.email for r in plan.new] == ["lea@example.org"]
    assert "Administrators cannot be appointed by import." in plan.errors[0].reason
    service.apply(plan, now=utcnow())
    lea = db_session.scalar(select(User).where(User.email == "lea@example.org"))
    assert lea.role_names == {RoleName.CURATOR, RoleName.LEADER}


def test_the_people_page_follows_the_same_rule(client, login, db_session):
    admin = f.user("admin", name="The Admin")
    curator = f.user("curator")
    colleague = f.user(name="A Colleague")
    login(curator)
    listing = client.get("/curate/people").get_data(as_text=True)
    assert f"/curate/people/{colleague.id}/deactivate" in listing
    assert f"/curate/people/{admin.id}/deactivate" not in listing  # no button it would refuse
    assert f"/curate/people/{curator.id}/deactivate" not in listing
    response = client.post(f"/curate/people/{admin.id}/deactivate", follow_redirects=True)
    assert "Only an administrator may change an administrator" in response.get_data(
        as_text=True)
    db_session.refresh(admin)
    assert admin.active
    # The rule itself: one function for both.
    assert service.change_problem(Importer.of(curator), admin.id, {"admin"}, changes=True)
    assert service.change_problem(Importer.of(admin), admin.id + 1000, {"admin"},
                                  changes=True) is None


def test_an_unterminated_quote_refuses_the_file_naming_the_line(client, login, db_session):
    login(f.user("curator"))
    before = count(db_session, User)
    data = (b"email,name\n"
            b"ok@example.org,Ok Person\n"
            b'quote@example.org,"Ola Nordmann\n'
            b"after@example.org,After Person\n")
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3 is not valid CSV" in page and "never closed" in page
    assert count(db_session, User) == before
    # Translated for a Norwegian curator.
    client.post("/language", data={"locale": "nb"})
    page = upload(client, data).get_data(as_text=True)
    assert "Linje 3" in page
    with_direct = None
    try:
        service.parse(data, by=Importer(id=0, roles=frozenset({"curator"})))
    except ImportFileError as exc:
        with_direct = str(exc)
    assert with_direct and "Line 3" in with_direct


def test_other_malformed_csv_and_a_row_with_too_many_cells(db_session):
    curator = Importer(id=0, roles=frozenset({"curator"}))
    try:
        service.parse(b'email,name\na@example.org,"Ann"x\n', by=curator)
    except ImportFileError as exc:
        assert "Line 2 is not valid CSV" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a stray character after a closing quote was accepted")
    plan = service.parse(b"email,name\nb@example.org,Nordmann, Kari\nc@example.org,C,\n",
                         by=curator)
    assert plan.errors[0].line == 2 and "3 cells" in plan.errors[0].reason
    assert [r.email for r in plan.rows] == ["c@example.org"]  # an empty extra cell is fine


def test_the_stated_maximum_is_previewed_and_imported_and_more_is_refused(
        client, login, db_session):
    f.unit("Helse")
    login(f.user("curator"))
    rows = service.MAX_ROWS
    lines = [b"email;name;unit"] + [f"p{i}@big.example.org;Person {i};Helse".encode()
                                    for i in range(rows)]
    data = b"\n".join(lines) + b"\n"
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{rows} new people" in page
    before = count(db_session, User)
    assert client.post("/curate/people/import/confirm",
                       data={"token": token_of(page)}).status_code == 302
    assert count(db_session, User) == before + rows
    too_many = data + b"one.more@big.example.org;One More;Helse\n"
    response = upload(client, too_many)
    assert response.status_code == 400
    assert f"more than {rows} rows" in response.get_data(as_text=True)
    page = client.get("/curate/people/import").get_data(as_text=True)
    assert f"At most {rows} people" in page
