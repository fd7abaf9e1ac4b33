"""The programme's settings page: purpose, guidelines and their version, review and
fatigue settings, the help texts."""

from __future__ import annotations

import re

from advocacy.programme.service import get_programme
from tests import factories as f


def test_programme_settings_for_review_and_fatigue(client, login, db_session):
    login(f.user("curator"))
    data = {"name": "", "purpose": "P", "guidelines": "G", "require_second_approval": "y",
            "weekly_post_cap": "3"}
    assert client.post("/curate/programme", data=data).status_code == 302
    programme = get_programme()
    assert programme.require_second_approval and programme.weekly_post_cap == 3
    bad = dict(data, weekly_post_cap="-1")
    assert client.post("/curate/programme", data=bad).status_code == 400


def test_programme_purpose_and_guidelines_version(client, login, db_session):
    login(f.user("curator"))
    before = get_programme().guidelines_version
    data = {"name": "Ambassadører", "purpose": "Vi rekrutterer.", "guidelines": "Taushetsplikt."}
    assert client.post("/curate/programme", data=data).status_code == 302
    assert get_programme().guidelines_version == before + 1
    client.post("/curate/programme", data=dict(data, purpose="Ny tekst"))
    assert get_programme().guidelines_version == before + 1
    assert client.post("/curate/programme", data=dict(data, purpose="")).status_code == 400
    assert get_programme().purpose == "Ny tekst"


def test_ticking_a_checkbox_is_no_new_guidelines_version(client, login, db_session):
    login(f.user("curator"))
    data = {"name": "Ambassadører", "purpose": "Vi rekrutterer.",
            "guidelines": "Taushetsplikt.\nVær deg selv.", "weekly_post_cap": "3"}
    assert client.post("/curate/programme", data=data).status_code == 302
    version = get_programme().guidelines_version
    # a browser sends the textarea back with CR LF line ends, and maybe trailing spaces
    same = dict(data, guidelines="Taushetsplikt.  \r\nVær deg selv.\r\n",
                require_second_approval="y")
    assert client.post("/curate/programme", data=same).status_code == 302
    assert get_programme().guidelines_version == version
    assert get_programme().require_second_approval
    changed = dict(same, guidelines="Taushetsplikt.\r\nVær deg selv, alltid.")
    assert client.post("/curate/programme", data=changed).status_code == 302
    assert get_programme().guidelines_version == version + 1


def test_help_text_is_marked_as_help_not_as_the_error(client, login, db_session):
    login(f.user("curator"))
    page = client.post("/curate/programme", data={"name": "", "purpose": ""}
                       ).get_data(as_text=True)
    helps = re.findall(r'<small id="[\w-]+-help"[^>]*>', page)
    assert helps and all('class="field-help"' in h for h in helps)
