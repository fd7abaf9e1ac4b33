"""Issue 14, item 5: the audit page, the post history and the people lists show no keys."""

import re

from advocacy.programme.service import get_programme
from tests import factories as f

OK = (302, 303)


def main_text(html: str) -> str:
    """The visible page body without attributes (option values may keep their keys)."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]*>", " ", body)


def test_audit_page_and_post_history_read_as_sentences_in_nb(client, login, db_session):
    admin = f.user("admin", "curator", locale="nb")
    item = f.post("Til vurdering", status="draft")
    person = f.user()
    get_programme().require_second_approval = False  # one curator approves (four eyes off)
    login(admin)
    for step in ("submit", "approve"):
        assert client.post(f"/curate/posts/{item.id}/{step}").status_code in OK
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "0"}).status_code \
        in OK
    audit = main_text(client.get("/admin/audit").get_data(as_text=True))
    for key in ("post.approve", "post.submit", "user.deactivate", "status=", "#None",
                "in_review", "'"):
        assert key not in audit, key
    for sentence in ("Godkjente et innlegg", "Sendte et innlegg til godkjenning",
                     "Deaktiverte en person", f"Innlegg nr. {item.id}", "Status: Publisert"):
        assert sentence in audit, sentence
    history = main_text(client.get(f"/curate/posts/{item.id}").get_data(as_text=True))
    history = history.split("Historikk", 1)[1]
    for key in ("in_review", "draft", "text_linkedin_A", "[", "∅"):
        assert key not in history, key
    assert "Status: Til godkjenning → Publisert" in history
    assert "Status: Utkast → Til godkjenning" in history


def test_role_names_are_translated_on_the_people_lists(client, login, db_session):
    admin = f.user("admin", locale="da")
    f.user("curator", "leader", led_units=(f.unit(),), name="Lise Leder")
    login(admin)
    people = main_text(client.get("/admin/users").get_data(as_text=True))
    assert "Kurator, Leder" in people
    assert "curator" not in people


def test_admins_reach_the_edit_page_from_the_curators_people_list(client, login, db_session):
    person = f.user(name="Per Person")
    login(f.user("curator"))
    assert f"/admin/users/{person.id}" not in client.get("/curate/people?q=Per").get_data(
        as_text=True)
    client.post("/logout")
    login(f.user("admin", "curator"))
    assert f"/admin/users/{person.id}" in client.get("/curate/people?q=Per").get_data(
        as_text=True)
