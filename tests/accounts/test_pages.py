"""Logging in, adding people and units, changing one's password, through HTTP."""

import re

from sqlalchemy import select

from advocacy.accounts.models import User
from tests import factories as f


def test_login_wrong_password_keeps_email_and_says_why(client, db_session):
    person = f.user()
    response = client.post("/login", data={"email": person.email, "password": "nope nope nope"})
    assert response.status_code == 400
    assert b"E-mail or password is wrong" in response.data
    assert person.email.encode() in response.data


def test_login_next_is_followed_only_within_the_site(client, db_session):
    person = f.user()
    data = {"email": person.email, "password": "correct horse battery staple"}
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/login?next={evil}", data=data)
        assert response.headers["Location"] == "/", evil
        client.post("/logout")
    response = client.post("/login?next=/activity", data=data)
    assert response.headers["Location"] == "/activity"


def test_admin_adds_person_and_units(client, login, db_session):
    login(f.user("admin"))
    assert client.post("/admin/units", data={"name": "Helse", "parent_id": 0}).status_code == 302
    duplicate = client.post("/admin/units", data={"name": "Helse", "parent_id": 0})
    assert duplicate.status_code == 400
    unit_id = int(re.search(r'value="(\d+)">\s*Helse', client.get("/admin/users/new")
                            .get_data(as_text=True)).group(1))
    data = {"email": "Kari@Example.org", "name": "Kari", "title": "sykepleier",
            "unit_id": unit_id, "locale": "nb", "roles": ["ambassador", "leader"],
            "password": "a long enough password"}
    assert client.post("/admin/users/new", data=data).status_code == 302
    kari = db_session.scalar(select(User).where(User.email == "kari@example.org"))
    assert kari.role_names == {"ambassador", "leader"} and kari.led_unit_ids == {unit_id}
    again = client.post("/admin/users/new", data=dict(data, email="kari@example.org"))
    assert again.status_code == 400 and "already uses" in again.get_data(as_text=True)
    short = client.post("/admin/users/new", data=dict(data, email="ola@example.org",
                                                     password="short"))
    assert short.status_code == 400
    assert db_session.scalar(select(User).where(User.email == "ola@example.org")) is None
    listing = client.get("/admin/users?q=kari").get_data(as_text=True)
    assert "kari@example.org" in listing


def test_password_change_logs_out_other_sessions(app, client, login, db_session):
    person = f.user()
    login(person)
    other = app.test_client()
    credentials = {"email": person.email, "password": "correct horse battery staple"}
    assert other.post("/login", data=credentials).status_code == 302
    response = client.post("/settings/password", data={
        "pw-current": "correct horse battery staple", "pw-new": "another long passphrase"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    assert "/login" in other.get("/settings").headers["Location"]
