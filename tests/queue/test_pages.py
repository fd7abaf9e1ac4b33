"""The ambassador's queue through HTTP: the home page, skip and snooze, the card's text
(the small things of issue 14 item 9: one test in each feature's test_pages.py; the login
link in tests/accounts/test_login_link.py, the layout in tests/e2e/test_small_things_layout.py)."""

from __future__ import annotations

import re

from advocacy.content.variants import variant_for
from advocacy.programme.service import get_programme
from tests import factories as f


def test_home_shows_purpose_and_queue(client, login, db_session):
    get_programme().purpose = "Vi deler for å rekruttere gode folk."
    item = f.post("Bli sykepleier hos oss")
    login(f.user())
    page = client.get("/").get_data(as_text=True)
    assert "Vi deler for å rekruttere gode folk." in page
    assert "Bli sykepleier hos oss" in page
    assert f"/share/{item.id}/linkedin" in page


def test_skip_and_snooze(client, login, db_session):
    a, b = f.post("Alpha"), f.post("Beta")
    login(f.user())
    assert client.post(f"/queue/{a.id}/skip").status_code == 302
    assert client.post(f"/queue/{b.id}/snooze", data={"days": "99"}).status_code == 400
    assert client.post(f"/queue/{b.id}/snooze", data={"days": "3"}).status_code == 302
    page = client.get("/queue").get_data(as_text=True)
    assert f"/share/{a.id}/" not in page and f"/share/{b.id}/" not in page
    assert "Nothing waiting for you" in page


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
