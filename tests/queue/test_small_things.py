"""Issue 14, item 9: the small things a user notices, one test each (the login link has
tests/accounts/test_login_link.py, the layout tests/e2e/test_small_things_layout.py)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from advocacy.content.service import variant_for
from advocacy.programme.service import get_programme
from tests import factories as f


def test_the_queue_card_shows_the_text_the_share_page_fills_in(client, login, db_session):
    post = f.post("Nattevakt", texts={"linkedin": "Tekst A om nattevakt"},
                  texts_b={"linkedin": "Tekst B om nattevakt"})
    people = [f.user(), f.user()]  # consecutive ids: one gets A, the other B
    seen = set()
    for person in people:
        login(person)
        expected = variant_for(post, "linkedin", person.id).text
        queue = client.get("/queue").get_data(as_text=True)
        card = re.search(r'<p class="suggested">(.*?)</p>', queue, re.S).group(1)
        share = client.get(f"/share/{post.id}/linkedin").get_data(as_text=True)
        assert card.strip() == expected and expected in share
        seen.add(expected)
        client.post("/logout")
    assert seen == {"Tekst A om nattevakt", "Tekst B om nattevakt"}


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


def test_a_story_form_error_says_the_chosen_photo_must_be_chosen_again(client, login,
                                                                       db_session):
    login(f.user())
    data = {"title": "", "text": "En natt på post 3", "consent": "y",
            "photo": (io.BytesIO(f.PNG), "us.png")}
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="photo-dropped"' in response.get_data(as_text=True)
    no_photo = client.post("/stories/new", data={"title": "", "text": "Tekst"})
    assert no_photo.status_code == 400
    assert 'id="photo-dropped"' not in no_photo.get_data(as_text=True)


def test_the_post_form_says_image_once(client, login, db_session):
    login(f.user("curator", locale="nb"))
    page = client.get("/curate/posts/new").get_data(as_text=True)
    assert len(re.findall(r">\s*Bilde\s*<", page)) == 1  # the fieldset's legend
    assert "Bildefil" in page  # the file field's own label


def test_the_calendar_says_went_live_for_posts_already_live(client, login, db_session):
    now = datetime.now(UTC)
    f.post("Allerede ute", kind="news", now=now - timedelta(hours=2))
    f.post("Kommer senere", kind="news", status="live", starts_at=now + timedelta(hours=1),
           now=now)
    login(f.user("curator", locale="nb"))
    month = now.astimezone().strftime("%Y-%m")
    later = (now + timedelta(hours=1)).strftime("%Y-%m")
    page = client.get(f"/curate/calendar?month={month}").get_data(as_text=True)
    if later != month:
        page += client.get(f"/curate/calendar?month={later}").get_data(as_text=True)
    gone = re.search(r"(\w+):\s*<a [^>]*>Allerede ute</a>", page).group(1)
    coming = re.search(r"(\w+):\s*<a [^>]*>Kommer senere</a>", page).group(1)
    assert gone == "Publisert" and coming == "Publiseres"


def test_the_menu_and_the_page_title_name_the_employees_page_alike(client, login,
                                                                   db_session):
    login(f.user("admin", locale="nb"))
    page = client.get("/curate/people").get_data(as_text=True)
    menu = re.search(r'<a [^>]*href="/curate/people"[^>]*>(.*?)</a>', page, re.S).group(1)
    title = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert menu.strip() == title.strip() == "Medarbeidere"
    assert "<title>Medarbeidere" in page


def test_help_text_is_marked_as_help_not_as_the_error(client, login, db_session):
    login(f.user("curator"))
    page = client.post("/curate/programme", data={"name": "", "purpose": ""}
                       ).get_data(as_text=True)
    helps = re.findall(r'<small id="[\w-]+-help"[^>]*>', page)
    assert helps and all('class="field-help"' in h for h in helps)
