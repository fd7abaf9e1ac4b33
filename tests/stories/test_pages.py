"""The story pages through HTTP: the form, from suggestion to post, a declined story."""

from __future__ import annotations

import io

from sqlalchemy import select

from advocacy.content.models import Post
from advocacy.stories.models import Story
from tests import factories as f


def test_story_from_suggestion_to_post_and_decline_seen_by_author(client, login, db_session):
    author = f.user(name="Nina Nurse")
    login(author)
    no_consent = {"title": "Nattevakt", "text": "En natt på post 3",
                  "photo": (io.BytesIO(f.PNG), "us.png"), "photo_alt": "Three of us at night"}
    response = client.post("/stories/new", data=no_consent, content_type="multipart/form-data")
    assert response.status_code == 400 and "must agree" in response.get_data(as_text=True)
    ok = dict(no_consent, photo=(io.BytesIO(f.PNG), "us.png"), consent="y")
    assert client.post("/stories/new", data=ok,
                       content_type="multipart/form-data").status_code == 302
    assert client.post("/stories/new", data={"title": "<b>To</b>", "text": "Second"}
                       ).status_code == 302
    client.post("/logout")
    login(f.user("curator"))
    first, second = db_session.scalars(select(Story).order_by(Story.id)).all()
    inbox = client.get("/curate/stories").get_data(as_text=True)
    assert "Nattevakt" in inbox and "&lt;b&gt;To&lt;/b&gt;" in inbox
    assert client.get(f"/stories/{first.id}/photo").data == f.PNG
    response = client.post(f"/curate/stories/{first.id}/accept",
                           data={"accept-link": "https://example.org/nattevakt"})
    assert response.status_code == 302
    post = db_session.get(Post, first.post_id)
    assert post.credit_user_id == author.id
    assert post.image_alt == "Three of us at night"
    assert "Nina Nurse" in client.get(f"/curate/posts/{post.id}").get_data(as_text=True)
    assert client.post(f"/curate/stories/{second.id}/decline", data={"decline-reason": ""}
                       ).status_code == 400
    assert client.post(f"/curate/stories/{second.id}/decline",
                       data={"decline-reason": "Vi hadde en lignende sak i går"}
                       ).status_code == 302
    client.post("/logout")
    login(author)
    assert "Vi hadde en lignende sak i går" in client.get("/stories").get_data(as_text=True)
    assert client.get(f"/stories/{first.id}/photo").status_code == 200
    client.post("/logout")
    login(f.user())
    assert client.get(f"/stories/{first.id}/photo").status_code == 404  # not their story


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
