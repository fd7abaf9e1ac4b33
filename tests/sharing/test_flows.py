"""The ambassador loop and the curator/admin forms through HTTP."""

import re

from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.content.models import Post
from advocacy.programme.service import get_programme
from advocacy.queue.models import QueueDecision
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click
from tests import factories as f


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


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


def test_csrf_is_enforced(app, client, login, db_session):
    person = f.user()
    item = f.post()
    login(person)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/queue/{item.id}/skip")
        assert response.status_code == 400
        assert b"expired" in response.data
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(db_session, QueueDecision) == 0


def test_home_shows_purpose_and_queue(client, login, db_session):
    get_programme().purpose = "Vi deler for å rekruttere gode folk."
    item = f.post("Bli sykepleier hos oss")
    login(f.user())
    page = client.get("/").get_data(as_text=True)
    assert "Vi deler for å rekruttere gode folk." in page
    assert "Bli sykepleier hos oss" in page
    assert f"/share/{item.id}/linkedin" in page


def test_share_flow_records_share_and_redirect_counts_click(client, login, db_session):
    person = f.user()
    item = f.post(link="https://jobb.example.no/1", texts={"linkedin": "Forslag", "x": "Kort"})
    login(person)
    page = client.get(f"/share/{item.id}/linkedin").get_data(as_text=True)
    assert "Forslag" in page and "/guidelines" in page
    response = client.post(f"/share/{item.id}/linkedin", data={"text": "Mine egne ord"})
    assert response.status_code == 302
    record = db_session.scalar(select(Share))
    assert (record.user_id, record.text, record.network) == (person.id, "Mine egne ord", "linkedin")
    ready = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/r/{record.token}" in ready
    assert "linkedin.com/sharing/share-offsite" in ready
    assert "/guidelines" in ready
    redirect = client.get(f"/r/{record.token}", headers={"User-Agent": "Mozilla/5.0 Firefox"})
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith("https://jobb.example.no/1?utm_source=linkedin")
    from advocacy.tracking.service import drain_until_empty

    assert drain_until_empty(db_session.commit, timeout=10) == 1
    assert count(db_session, Click) == 1
    activity = client.get("/activity").get_data(as_text=True)
    assert item.title in activity
    # the queue no longer offers a post already shared
    assert f"/share/{item.id}/" not in client.get("/queue").get_data(as_text=True)


def test_over_long_x_text_is_refused_with_the_limit(client, login, db_session):
    item = f.post()
    login(f.user())
    response = client.post(f"/share/{item.id}/x", data={"text": "x" * 300})
    assert response.status_code == 400
    assert "280" in response.get_data(as_text=True)
    assert count(db_session, Share) == 0


def test_share_of_unknown_or_foreign_post_404(client, login, db_session):
    elsewhere = f.unit("teknisk")
    hidden = f.post(units=(elsewhere,))
    login(f.user(unit=f.unit("oppvekst")))
    assert client.get(f"/share/{hidden.id}/linkedin").status_code == 404
    assert client.get("/share/999999/linkedin").status_code == 404
    assert client.get(f"/share/{hidden.id}/myspace").status_code == 404


def test_someone_elses_share_page_is_404(client, login, db_session):
    record = f.share(f.user(), f.post())
    login(f.user())
    assert client.get(f"/shares/{record.id}").status_code == 404


def test_unknown_token_is_404_without_redirect(client, db_session):
    response = client.get("/r/does-not-exist")
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert count(db_session, Click) == 0


def test_skip_and_snooze(client, login, db_session):
    a, b = f.post("Alpha"), f.post("Beta")
    login(f.user())
    assert client.post(f"/queue/{a.id}/skip").status_code == 302
    assert client.post(f"/queue/{b.id}/snooze", data={"days": "99"}).status_code == 400
    assert client.post(f"/queue/{b.id}/snooze", data={"days": "3"}).status_code == 302
    page = client.get("/queue").get_data(as_text=True)
    assert f"/share/{a.id}/" not in page and f"/share/{b.id}/" not in page
    assert "Nothing waiting for you" in page


def test_curator_creates_post_and_bad_input_is_kept_and_named(client, login, db_session):
    care = f.topic("omsorg")
    login(f.user("curator"))
    bad = {
        "title": "Sykepleier søkes",
        "link": "javascript:alert(1)",
        "kind": "job",
        "status": "live",
        "topic_ids": [care.id],
        "text_linkedin": "<b>Bli med</b>",
        "text_x": "x" * 281,
    }
    response = client.post("/curate/posts/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 280 characters" in page
    assert "http://" in page  # the link message names what is accepted
    assert "Sykepleier søkes" in page and "&lt;b&gt;Bli med&lt;/b&gt;" in page
    assert count(db_session, Post) == 0
    assert "needs an application deadline" in page
    good = dict(bad, link="https://jobb.example.no/7", text_x="Bli med!",
                deadline_at="2026-12-24T12:00", place="Tromsø")
    assert client.post("/curate/posts/new", data=good).status_code == 302
    post = db_session.scalar(select(Post))
    assert post.status == "draft"  # the review workflow publishes it, not the form
    get_programme().require_second_approval = False  # a one-curator programme (four eyes off)
    assert client.post(f"/curate/posts/{post.id}/approve").status_code == 302
    assert post.status == "live" and post.published_at is not None
    assert {v.network: v.text for v in post.variants} == {
        "linkedin": "<b>Bli med</b>", "x": "Bli med!"}
    assert [t.name for t in post.topics] == ["omsorg"]
    edited = dict(good, title="Sykepleier søkes nå", text_linkedin="")
    assert client.post(f"/curate/posts/{post.id}/edit", data=edited).status_code == 302
    db_session.refresh(post)
    assert post.title == "Sykepleier søkes nå" and post.networks == ["x"]


def test_post_with_end_before_start_is_refused(client, login, db_session):
    login(f.user("curator"))
    response = client.post("/curate/posts/new", data={
        "title": "T", "link": "https://a.example", "kind": "news", "status": "draft",
        "starts_at": "2026-05-02T10:00", "ends_at": "2026-05-01T10:00", "text_linkedin": "x"})
    assert response.status_code == 400
    assert count(db_session, Post) == 0


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


def test_settings_topics_and_language(client, login, db_session):
    care = f.topic("omsorg")
    person = f.user(locale=None)
    login(person)
    response = client.post("/settings", data={"locale": "nb", "topic_ids": [care.id]})
    assert response.status_code == 302
    assert person.locale == "nb" and [t.name for t in person.topics] == ["omsorg"]
    page = client.get("/settings").get_data(as_text=True)
    assert 'lang="nb"' in page


def test_browser_language_is_used_when_person_has_none(client, db_session):
    page = client.get("/login", headers={"Accept-Language": "da-DK,da;q=0.9"})
    assert '<html lang="da">' in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_security_headers(client, db_session):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
