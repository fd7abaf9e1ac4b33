"""A person's settings page, the employees page, the people import, deactivating a person."""

from __future__ import annotations

import io
import re

from advocacy.accounts.models import User
from tests import factories as f
from tests.helpers import count


def test_people_import_report_confirm_and_idempotence(client, login, db_session):
    f.unit("Helse")
    login(f.user("curator"))
    csv_data = (b"email;name;unit;title;language;roles\n"
                b"kari@example.org;Kari;Helse;sykepleier;nb;ambassador\n"
                b"bad;Ola;Helse;;;\n"
                b"per@example.org;<b>Per</b>;Mars;;;\n")
    before = count(db_session, User)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(csv_data), "people.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a valid e-mail" in page and "Unknown unit “Mars”" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page
    assert count(db_session, User) == before  # nothing written before confirming
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/curate/people/import/confirm", data={"token": token}).status_code == 302
    assert count(db_session, User) == before + 1
    # the same file again changes nothing
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(csv_data), "people.csv")},
                           content_type="multipart/form-data")
    assert "1 person unchanged" in response.get_data(as_text=True)
    assert client.post("/curate/people/import/confirm",
                       data={"token": "not-a-token-at-all"}).status_code == 302
    assert count(db_session, User) == before + 1


def test_people_import_refuses_50_mb_and_empty_files(client, login, db_session):
    login(f.user("curator"))
    big = b"email,name\n" + b"a" * (50 * 1024 * 1024)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(big), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "larger than 10 MB" in response.get_data(as_text=True)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(b""), "empty.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "empty" in response.get_data(as_text=True)


def test_deactivate_and_reactivate_a_person(client, login, db_session):
    curator, person = f.user("curator"), f.user(name="Leaving Person")
    login(curator)
    assert client.post(f"/curate/people/{person.id}/deactivate").status_code == 302
    assert not person.active
    assert "Leaving Person" in client.get("/curate/people?show=inactive").get_data(as_text=True)
    client.post(f"/curate/people/{curator.id}/deactivate")
    assert curator.active
    assert client.post(f"/curate/people/{person.id}/reactivate").status_code == 302
    assert person.active


def test_settings_topics_and_language(client, login, db_session):
    care = f.topic("omsorg")
    person = f.user(locale=None)
    login(person)
    response = client.post("/settings", data={"locale": "nb", "topic_ids": [care.id]})
    assert response.status_code == 302
    assert person.locale == "nb" and [t.name for t in person.topics] == ["omsorg"]
    page = client.get("/settings").get_data(as_text=True)
    assert 'lang="nb"' in page


def test_the_menu_and_the_page_title_name_the_employees_page_alike(client, login,
                                                                   db_session):
    login(f.user("admin", locale="nb"))
    page = client.get("/curate/people").get_data(as_text=True)
    menu = re.search(r'<a [^>]*href="/curate/people"[^>]*>(.*?)</a>', page, re.S).group(1)
    title = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert menu.strip() == title.strip() == "Medarbeidere"
    assert "<title>Medarbeidere" in page
