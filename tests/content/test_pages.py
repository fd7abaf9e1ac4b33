"""The curator's post form through HTTP: bad input kept and named, the review, the image field."""

from __future__ import annotations

import re

from sqlalchemy import select

from advocacy.content.models import Post
from advocacy.programme.service import get_programme
from tests import factories as f
from tests.helpers import count


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


def test_the_post_form_says_image_once(client, login, db_session):
    login(f.user("curator", locale="nb"))
    page = client.get("/curate/posts/new").get_data(as_text=True)
    assert len(re.findall(r">\s*Bilde\s*<", page)) == 1  # the fieldset's legend
    assert "Bildefil" in page  # the file field's own label
