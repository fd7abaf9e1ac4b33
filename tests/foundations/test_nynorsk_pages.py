"""A browser asking for nn gets Nynorsk, "no" gets Bokmål; the language picker."""

import pytest

from tests import factories as f

HEADINGS = {"nb": "Tilgjengelighetserklæring", "nn": "Tilgjengelegheitserklæring",
            "da": "Tilgængelighedserklæring", "en": "Accessibility statement"}


@pytest.mark.parametrize(("header", "lang"), [
    ("nn-NO,nn;q=0.9,en;q=0.5", "nn"),
    ("nn", "nn"),
    ("no", "nb"),
    ("no-NO,no;q=0.9,en;q=0.8", "nb"),
    ("en;q=0.5,no;q=0.9", "nb"),
    ("nb-NO", "nb"),
    ("da-DK,da", "da"),
    ("fr-FR", None),  # nothing we speak: DEFAULT_LOCALE
])
def test_browser_language(app, client, db_session, header, lang):
    lang = lang or app.config["BABEL_DEFAULT_LOCALE"]
    page = client.get("/accessibility", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{HEADINGS[lang]}</h1>" in page


def test_nynorsk_page_texts_and_picker(client, db_session):
    page = client.get("/accessibility", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert "<h1>Tilgjengelegheitserklæring</h1>" in page
    assert "Administratoren har ikkje fylt ut tilgjengelegheitserklæringa enno." in page
    assert '<option value="nn" lang="nn" selected>Norsk nynorsk</option>' in page


def test_person_can_choose_nn_in_settings_and_the_footer(client, login, db_session):
    person = f.user(locale="en")
    login(person)
    settings = client.get("/settings").get_data(as_text=True)
    assert '<option value="nn">Norsk nynorsk</option>' in settings
    client.post("/language", data={"locale": "nn", "next": "/settings"})
    assert person.locale == "nn"
    page = client.get("/settings").get_data(as_text=True)
    assert '<html lang="nn">' in page and "Innstillingar" in page


def test_unknown_language_in_the_footer_changes_nothing(client, login, db_session):
    person = f.user(locale="da")
    login(person)
    client.post("/language", data={"locale": "no", "next": "/settings"})
    assert person.locale == "da"
