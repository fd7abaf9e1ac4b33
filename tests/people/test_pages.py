"""A person's settings page and the employees page."""

from __future__ import annotations

import re

from tests import factories as f


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
