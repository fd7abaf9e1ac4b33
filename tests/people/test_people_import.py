"""People CSV import: validated as a whole, idempotent by e-mail, clear about bad rows."""

import pytest
from sqlalchemy import func, select

from advocacy.accounts.models import Role, User
from advocacy.db import utcnow
from advocacy.people import service
from advocacy.people.service import ImportFileError
from tests import factories as f

# The existing tests import as an administrator (who may give every role but admin);
# tests/people/test_import_rules.py checks what curators may do.
ADMIN = service.Importer(id=0, roles=frozenset({"admin"}))


def parse(data: bytes):
    return service.parse(data, by=ADMIN)


def users(session):
    return session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def units(db_session):
    health = f.unit("Helse")
    return {"health": health, "ward": f.unit("Sykehjem Nord", parent=health),
            "school": f.unit("Skole")}


def test_bad_rows_are_listed_with_line_and_reason_and_nothing_is_written(db_session, units):
    before = users(db_session)
    data = (
        b"email,name,unit,title,language,roles\n"
        b"kari@example.org,Kari Nordmann,Sykehjem Nord,sykepleier,nb,ambassador\n"
        b"not-an-email,Ola,Helse,,,\n"
        b"per@example.org,Per,Atlantis,,,\n"
        b"KARI@example.org,Kari again,Helse,,,\n"
        b"liv@example.org,Liv,Helse,,xx,wizard\n"
        b"boss@example.org,Boss,Helse,,,admin\n"
        b"\n"
        b"ok@example.org,Ok Person,Helse / Sykehjem Nord,kokk,da,ambassador|curator\n"
    )
    plan = parse(data)
    assert users(db_session) == before
    by_line = {e.line: e.reason for e in plan.errors}
    assert set(by_line) == {3, 4, 5, 6, 7}
    assert "not a valid e-mail" in by_line[3]
    assert "Unknown unit “Atlantis”" in by_line[4]
    assert "already on line 2" in by_line[5]
    assert "Unknown language" in by_line[6] and "Unknown role" in by_line[6]
    assert "Administrators" in by_line[7]
    assert [r.email for r in plan.new] == ["kari@example.org", "ok@example.org"]
    result = service.apply(plan, now=utcnow())
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    ok = db_session.scalar(select(User).where(User.email == "ok@example.org"))
    assert ok.unit_id == units["ward"].id and ok.locale == "da" and ok.title == "kokk"
    assert ok.role_names == {"ambassador", "curator"}


def test_import_is_idempotent_and_updates_by_email(db_session, units):
    data = ("email;name;unit;title\n"
            "a@example.org;Anne;Helse;lege\n"
            "b@example.org;Bjørn;Skole;lærer\n").encode()
    service.apply(parse(data), now=utcnow())
    count, roles = users(db_session), db_session.scalar(select(func.count()).select_from(Role))
    again = parse(data)
    assert (len(again.new), len(again.updated), len(again.unchanged)) == (0, 0, 2)
    result = service.apply(again, now=utcnow())
    assert (result.created, result.updated) == (0, 0)
    assert users(db_session) == count
    assert db_session.scalar(select(func.count()).select_from(Role)) == roles
    changed = data.replace("Skole;lærer".encode(), b"Helse;rektor")
    plan = parse(changed)
    assert [r.email for r in plan.updated] == ["b@example.org"]
    service.apply(plan, now=utcnow())
    bjorn = db_session.scalar(select(User).where(User.email == "b@example.org"))
    assert (bjorn.unit_id, bjorn.title) == (units["health"].id, "rektor")


def test_reimport_reactivates_a_person_who_was_deactivated(db_session, units):
    curator = f.user("curator")
    person = f.user(email="back@example.org", name="Back")
    service.set_active(person, False, by=curator)
    plan = parse(b"email,name\nback@example.org,Back\n")
    assert [r.email for r in plan.updated] == ["back@example.org"]
    service.apply(plan, now=utcnow())
    db_session.refresh(person)
    assert person.active


def test_utf8_bom_is_accepted(db_session, units):
    data = "\ufeffemail,name,unit\nå@example.org,Åse Ødegård,Helse\n".encode()
    plan = parse(data)
    assert plan.encoding == "UTF-8" and not plan.errors
    assert plan.rows[0].name == "Åse Ødegård"


def test_semicolon_separated_windows_1252_from_excel(db_session, units):
    data = "E-post;Navn;Enhet;Tittel;Språk\r\nase@example.org;Åse Ødegård;Skole;lærer;nb\r\n"
    plan = parse(data.encode("cp1252"))
    assert (plan.encoding, plan.delimiter) == ("Windows-1252", ";")
    assert not plan.errors and plan.rows[0].name == "Åse Ødegård"
    assert plan.rows[0].unit_id == units["school"].id


def test_utf16_with_bom_from_excel_unicode_text(db_session, units):
    data = "email\tname\nu@example.org\tUlla\n".encode("utf-16")
    plan = parse(data)
    assert plan.delimiter == "\t" and plan.rows[0].email == "u@example.org"


def test_wrong_encoding_is_refused_with_a_clear_message(db_session):
    data = "email,name\nx@example.org,X\n".encode("utf-16-le")  # no BOM: NUL bytes
    with pytest.raises(ImportFileError, match="encoding"):
        parse(data)
    with pytest.raises(ImportFileError, match="encoding"):
        parse(b"email,name\nx@example.org,\x81\x8d\n")


def test_empty_file_and_header_only(db_session):
    for empty in (b"", b"   \n\n", b"\xef\xbb\xbf"):
        with pytest.raises(ImportFileError, match="empty"):
            parse(empty)
    with pytest.raises(ImportFileError, match="no people"):
        parse(b"email,name\n")
    with pytest.raises(ImportFileError, match="“email” and “name”"):
        parse(b"foo,bar\n1,2\n")


def test_50_mb_file_is_refused_naming_the_limit(db_session):
    data = b"email,name\n" + b"x" * (50 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="10 MB"):
        parse(data)


def test_leader_gets_their_unit(db_session, units):
    plan = parse(b"email,name,unit,roles\nl@example.org,Lea,Helse,leader\n")
    service.apply(plan, now=utcnow())
    lea = db_session.scalar(select(User).where(User.email == "l@example.org"))
    assert lea.led_unit_ids == {units["health"].id}
    bad = parse(b"email,name,roles\nm@example.org,Mo,leader\n")
    assert "needs a unit" in bad.errors[0].reason


def test_ambiguous_unit_name_asks_for_the_path(db_session):
    north, south = f.unit("Nord"), f.unit("Sør")
    f.unit("Kjøkken", parent=north)
    f.unit("Kjøkken", parent=south)
    plan = parse("email,name,unit\na@example.org,A,Kjøkken\nb@example.org,B,Sør › Kjøkken\n"
                         .encode())
    assert "several units" in plan.errors[0].reason
    assert len(plan.rows) == 1


def test_deactivated_people_keep_their_history_and_cannot_log_in(db_session):
    curator, person = f.user("curator"), f.user()
    item = f.post()
    share = f.share(person, item)
    service.set_active(person, False, by=curator)
    assert not person.is_active and share.user_id == person.id
    with pytest.raises(ValueError):
        service.set_active(curator, False, by=curator)
