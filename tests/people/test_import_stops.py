"""An import that the database stops half-way is never silently half-imported.

On PostgreSQL the confirm writes the whole file in one transaction: a refused row leaves
nothing written. On SQLite it writes in batches (one write lock for the whole file would stop
every other writer): the batches before the refusal stay, the page says how far it got, and
"Finish the import" writes the rest without duplicates. The refusal is a real one: a trigger
in the database rejects one person's row, as a constraint or a full disk would."""

from __future__ import annotations

import io

from sqlalchemy import func, select, text

from advocacy.accounts.models import User
from advocacy.people.service import WRITE_BATCH
from tests import factories as f

POISON = "staff0400@import.example"


def csv_of(rows: int) -> bytes:
    lines = ["email;name;unit;roles"]
    lines += [f"staff{i:04d}@import.example;Person {i};Helse;ambassador" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def refuse_one_row(session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.email = '{POISON}' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$"))
        session.execute(text("CREATE TRIGGER poison BEFORE INSERT ON users "
                             "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"))
    else:
        session.execute(text(
            f"CREATE TRIGGER poison BEFORE INSERT ON users WHEN NEW.email = '{POISON}' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    session.commit()


def allow_again(session) -> None:
    session.execute(text("DROP TRIGGER poison" + (
        " ON users" if session.get_bind().dialect.name == "postgresql" else "")))
    session.commit()


def people(session) -> int:
    return session.scalar(select(func.count()).select_from(User)
                          .where(User.email.like("staff%@import.example")))


def test_a_refused_row_stops_the_import_visibly_and_finishing_writes_the_rest(
        client, login, db_session):
    f.unit("Helse")
    login(f.user("curator"))
    rows = 600
    assert WRITE_BATCH < 400 < rows  # the refused row is in a later batch than the first
    page = client.post("/curate/people/import",
                       data={"file": (io.BytesIO(csv_of(rows)), "people.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    refuse_one_row(db_session)

    response = client.post("/curate/people/import/confirm", data={"token": token})
    assert response.status_code == 302 and response.location.endswith("/curate/people/import")
    written = people(db_session)
    page = client.get("/curate/people/import").get_data(as_text=True)
    if db_session.get_bind().dialect.name == "postgresql":
        assert written == 0  # one transaction: nothing at all
        assert "nothing was changed" in page
        assert f"stopped after 0 of {rows} people" in page
    else:
        assert written == WRITE_BATCH  # the first batch, and no part of the refused one
        assert f"the database refused a write after {WRITE_BATCH} of {rows}" in page
        assert f"stopped after {WRITE_BATCH} of {rows} people" in page
    assert "Finish the import" in page and token in page

    allow_again(db_session)
    response = client.post("/curate/people/import/confirm", data={"token": token})
    assert response.status_code == 302 and response.location.endswith("/curate/people")
    assert people(db_session) == rows
    assert db_session.scalar(select(func.count(func.distinct(User.email)))
                             .where(User.email.like("staff%@import.example"))) == rows
    page = client.get("/curate/people/import").get_data(as_text=True)
    assert "Imports not finished" not in page and "Finish the import" not in page


def test_an_unfinished_import_is_shown_only_to_the_curator_who_confirmed_it(
        client, login, db_session):
    f.unit("Helse")
    login(f.user("curator", email="first@example.org"))
    page = client.post("/curate/people/import",
                       data={"file": (io.BytesIO(csv_of(420)), "people.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    refuse_one_row(db_session)
    client.post("/curate/people/import/confirm", data={"token": token})
    assert "Finish the import" in client.get("/curate/people/import").get_data(as_text=True)
    client.post("/logout")
    login(f.user("curator", email="second@example.org"))
    page = client.get("/curate/people/import").get_data(as_text=True)
    assert "Imports not finished" not in page and token not in page
    # and the other curator cannot finish it by posting its token
    allow_again(db_session)
    before = people(db_session)
    client.post("/curate/people/import/confirm", data={"token": token})
    assert people(db_session) == before
