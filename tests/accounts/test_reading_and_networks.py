"""A person's reading languages apart from the interface language (issue 14 item 7) and the
person's own networks first, with none of the job ads they refused (item 12)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from advocacy.accounts.reading import reading_languages
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.onboarding import service as onboarding
from advocacy.onboarding.models import AmbassadorProfile
from advocacy.queue import service as queue
from advocacy.reminders import planning
from advocacy.sharing.models import Share
from tests import factories as f
from tests.helpers import always, first_login_link, path, send_all

ALL = {"linkedin": "In text", "facebook": "Fb text", "x": "X text"}


def titles(person, now=None):
    return [item.post.title for item in queue.rank(person, now or utcnow()).items]


def settings_form(person, **changes):
    data = {"locale": person.locale or "", "reading_languages": reading_languages(person)}
    data.update(changes)
    return data


# --- reading languages (item 7) --------------------------------------------------------------


def test_new_people_read_their_interface_language(db_session):
    assert f.user(locale="nb").reading_languages == ["nb"]
    assert f.user(locale=None).reading_languages is None  # every language


def test_switching_the_interface_to_english_hides_no_norwegian_post(db_session, client, login):
    person = f.user(locale="nb")
    f.post("Sykepleiere søkes", audience_languages=("nb",))
    f.post("Sygeplejersker søges", audience_languages=("da",))
    f.post("For everyone")
    login(person)
    assert "Sykepleiere søkes" in client.get("/queue").get_data(as_text=True)
    share_url = f"/share/{queue.rank(person, utcnow()).items[0].post.id}/linkedin"

    response = client.post("/settings", data=settings_form(person, locale="en"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.locale == "en" and person.reading_languages == ["nb"]
    page = client.get("/queue").get_data(as_text=True)
    assert "Sykepleiere søkes" in page and "For everyone" in page
    assert "Sygeplejersker søges" not in page
    assert client.get(share_url).status_code == 200


def test_bokmal_and_nynorsk_readers_read_both_and_languages_add_up(db_session):
    f.post("Bokmål", audience_languages=("nb",))
    f.post("Nynorsk", audience_languages=("nn",))
    f.post("Dansk", audience_languages=("da",))
    bokmal, nynorsk = f.user(locale="nb"), f.user(locale="en")
    nynorsk.reading_languages = ["nn"]
    both = f.user(locale="en")
    both.reading_languages = ["nb", "da"]
    anyone = f.user(locale=None)
    assert sorted(titles(bokmal)) == ["Bokmål", "Nynorsk"]
    assert sorted(titles(nynorsk)) == ["Bokmål", "Nynorsk"]
    assert sorted(titles(both)) == ["Bokmål", "Dansk", "Nynorsk"]
    assert sorted(titles(anyone)) == ["Bokmål", "Dansk", "Nynorsk"]


def test_settings_show_and_save_reading_languages_apart_from_the_interface(db_session, client,
                                                                          login):
    person = f.user(locale="en")
    login(person)
    page = client.get("/settings").get_data(as_text=True)
    assert "Languages I read posts in" in page and "Language of the pages" in page
    assert re.search(r'value="en"[^>]*checked|checked[^>]*value="en"', page)
    client.post("/settings", data=settings_form(person, reading_languages=["da", "nn"]))
    db.session.refresh(person)
    assert person.reading_languages == ["nn", "da"] and person.locale == "en"


def test_an_unknown_reading_language_is_refused_and_changes_nothing(db_session, client, login):
    person = f.user(locale="nb")
    login(person)
    response = client.post("/settings", data=settings_form(person, locale="en",
                                                          reading_languages=["nb", "xx"]))
    assert response.status_code == 400
    assert "not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.locale == "nb" and person.reading_languages == ["nb"]


def test_a_post_already_offered_stays_open_when_the_reading_languages_change(db_session,
                                                                             client, login):
    reader = f.user(locale="da")
    post = f.post("Sygeplejersker søges", audience_languages=("da",))
    login(reader)
    assert "Sygeplejersker søges" in client.get("/queue").get_data(as_text=True)
    client.post("/settings", data=settings_form(reader, reading_languages=["nb"]))
    # Not offered any more in the queue, but the share link the person holds still works.
    assert "Sygeplejersker søges" not in client.get("/queue").get_data(as_text=True)
    assert client.get(f"/share/{post.id}/linkedin").status_code == 200
    # Someone who was never offered it is still refused.
    client.post("/logout")
    login(f.user(locale="nb"))
    assert client.get(f"/share/{post.id}/linkedin").status_code == 404


def test_onboarding_starts_from_the_interface_language_and_saves_the_choice(db_session, client,
                                                                          login):
    person = f.user(locale="da")
    person.reading_languages = None  # never chose: first use
    db.session.flush()
    login(person)
    page = client.get("/welcome/interests").get_data(as_text=True)
    assert re.search(r'value="da"[^>]*checked|checked[^>]*value="da"', page)
    response = client.post("/welcome/interests", data={"reading_languages": ["da", "en"],
                                                       "networks": ["linkedin"]})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.reading_languages == ["da", "en"]


def test_reminders_pick_posts_by_reading_language(db_session, smtp):
    person = f.user(locale="en")
    person.reading_languages = ["nb"]
    always(person)
    f.post("Sykepleiere søkes", audience_languages=("nb",))
    f.post("Nurses wanted", audience_languages=("en",))
    planning.plan(utcnow())
    send_all()
    (message,) = smtp.to(person.email)
    body = message.get_body(("plain",)).get_content()
    assert "Sykepleiere søkes" in body and "Nurses wanted" not in body


# --- the person's own networks (item 12) -----------------------------------------------------


def choose(person, networks, no_jobs=()):
    onboarding.save_interests(person, [], list(networks), now=utcnow(),
                              no_job_networks=list(no_jobs))


def button_lists(page: str, post_title: str) -> tuple[list[str], list[str]]:
    """(networks in the main share list, networks behind "More networks") of one queue card."""
    start = page.index(post_title)
    card = page[start:page.index("</article>", start)]
    more_at = card.find("<details")
    main = card if more_at < 0 else card[:more_at]
    more = "" if more_at < 0 else card[more_at:]
    pick = re.compile(r'class="[^"]*network-(\w+)"')
    return pick.findall(main), pick.findall(more)


def test_queue_offers_the_persons_networks_first_and_the_rest_behind_more(db_session, client,
                                                                         login):
    person = f.user()
    choose(person, ["facebook"])
    f.post("Nurses wanted", kind="news", texts=ALL)
    login(person)
    page = client.get("/queue").get_data(as_text=True)
    main, more = button_lists(page, "Nurses wanted")
    assert main == ["facebook"] and more == ["linkedin", "x"]
    assert "<summary>More networks" in page
    # The card's text is the one the person's first network gets.
    assert "Fb text" in page


def test_without_chosen_networks_every_network_is_offered_alike(db_session, client, login):
    person = f.user()
    f.post("Nurses wanted", kind="news", texts=ALL)
    login(person)
    main, more = button_lists(client.get("/queue").get_data(as_text=True), "Nurses wanted")
    assert main == ["linkedin", "facebook", "x"] and more == []


def test_no_job_ads_on_a_refused_network(db_session, client, login):
    person = f.user()
    choose(person, ["facebook", "linkedin"], no_jobs=["facebook"])
    job = f.post("Nurses wanted", kind="job", texts=ALL)
    f.post("Our new ward", kind="news", texts=ALL)
    f.post("Facebook-only job", kind="job", texts={"facebook": "Come work with us"})
    login(person)
    page = client.get("/queue").get_data(as_text=True)
    assert button_lists(page, "Nurses wanted") == (["linkedin"], ["x"])
    assert button_lists(page, "Our new ward") == (["linkedin", "facebook"], ["x"])
    assert "Facebook-only job" not in page  # nothing left to offer
    refused = client.get(f"/share/{job.id}/facebook")
    assert refused.status_code == 403
    assert "You chose not to share job ads on Facebook" in refused.get_data(as_text=True)
    before = db.session.scalar(select(func.count()).select_from(Share))
    assert client.post(f"/share/{job.id}/facebook", data={"text": "x"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Share)) == before
    assert client.get(f"/share/{job.id}/linkedin").status_code == 200


def test_the_interests_page_saves_job_ad_choices_and_refuses_unknown_networks(db_session,
                                                                            client, login):
    person = f.user()
    login(person)
    response = client.post("/welcome/interests", data={
        "networks": ["facebook", "linkedin"], "no_job_networks": ["facebook"]})
    assert response.status_code == 302
    record = db.session.get(AmbassadorProfile, person.id)
    assert record.networks == ["linkedin", "facebook"] and record.no_job_networks == ["facebook"]
    bad = client.post("/welcome/interests", data={
        "networks": ["linkedin"], "no_job_networks": ["myspace"]})
    assert bad.status_code == 400
    db.session.refresh(record)
    assert record.networks == ["linkedin", "facebook"] and record.no_job_networks == ["facebook"]


def test_a_reminder_opens_the_persons_first_network(db_session, smtp, client):
    person = f.user()
    choose(person, ["facebook"])
    always(person)
    post = f.post("Nurses wanted", kind="news", texts=ALL)
    planning.plan(utcnow())
    send_all()
    (message,) = smtp.to(person.email)
    assert f"/share/{post.id}/linkedin" not in message.get_body(("plain",)).get_content()
    response = client.get(path(first_login_link(smtp, person)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/share/{post.id}/facebook")


def test_the_share_page_offers_the_other_networks_the_same_way(db_session, client, login):
    person = f.user()
    choose(person, ["facebook", "x"])
    post = f.post("Nurses wanted", kind="news", texts=ALL)
    login(person)
    page = client.get(f"/share/{post.id}/facebook").get_data(as_text=True)
    section = page[page.index("other-networks-heading"):]
    more_at = section.index("<details")
    assert re.findall(r"network-(\w+)", section[:more_at]) == ["x"]
    assert re.findall(r"network-(\w+)", section[more_at:]) == ["linkedin"]
