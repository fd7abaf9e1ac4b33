"""Image descriptions (alt text) of posts and stories: required with an image, at most 250
characters, shown as `alt` wherever the image is, and offered on the share page."""

import io
import re

import pytest
from sqlalchemy import func, select

from advocacy.content.models import Post
from advocacy.stories.models import Story
from tests import factories as f

ALT = "Two nurses laughing in the ward's kitchen at night"


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def post_form(**extra):
    data = {"title": "Nattevakt på Solbakken", "link": "https://example.org/natt",
            "kind": "event", "event_at": "2027-01-20T10:00",
            "text_linkedin": "Bli med oss!", "text_instagram": "Bli med!"}
    data.update(extra)
    return data


def alts(html: str) -> list[str]:
    return re.findall(r'<img [^>]*alt="([^"]*)"', html)


@pytest.mark.parametrize(("locale", "message"), [
    ("en", "Describe the image for people who cannot see it"),
    ("nb", "Beskriv bildet for dem som ikke kan se det"),
    ("nn", "Skildra biletet for dei som ikkje kan sjå det"),
    ("da", "Beskriv billedet for dem, der ikke kan se det"),
])
def test_a_post_image_without_a_description_is_refused(client, login, db_session, locale,
                                                        message):
    login(f.user("curator", locale=locale))
    response = client.post("/curate/posts/new", content_type="multipart/form-data",
                           data=post_form(image=(io.BytesIO(f.PNG), "natt.png"), image_alt=" "))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db_session, Post) == 0


def test_a_description_over_the_limit_is_refused_and_changes_nothing(client, login, db_session):
    login(f.user("curator"))
    response = client.post("/curate/posts/new", content_type="multipart/form-data",
                           data=post_form(image=(io.BytesIO(f.PNG), "natt.png"),
                                          image_alt="x" * 251))
    assert response.status_code == 400
    assert "Use at most 250 characters for the image description." in response.get_data(
        as_text=True)
    assert count(db_session, Post) == 0
    # editing: an over-long description leaves the saved one as it was
    response = client.post("/curate/posts/new", content_type="multipart/form-data",
                           data=post_form(image=(io.BytesIO(f.PNG), "natt.png"),
                                          image_alt="x" * 250))
    assert response.status_code == 302
    post = db_session.scalar(select(Post))
    assert post.image_alt == "x" * 250
    response = client.post(f"/curate/posts/{post.id}/edit", data=post_form(
        title="Changed", image_alt="y" * 251))
    assert response.status_code == 400
    db_session.refresh(post)
    assert post.image_alt == "x" * 250 and post.title == "Nattevakt på Solbakken"


def test_no_image_needs_no_description_and_removing_the_image_drops_it(client, login,
                                                                       db_session):
    login(f.user("curator"))
    assert client.post("/curate/posts/new", data=post_form()).status_code == 302
    post = db_session.scalar(select(Post))
    assert post.image_name is None and post.image_alt == ""
    response = client.post(f"/curate/posts/{post.id}/edit", content_type="multipart/form-data",
                           data=post_form(image=(io.BytesIO(f.PNG), "natt.png"),
                                          image_alt=ALT))
    assert response.status_code == 302
    db_session.refresh(post)
    assert post.image_alt == ALT
    # an image already there still needs its description
    response = client.post(f"/curate/posts/{post.id}/edit", data=post_form(image_alt=""))
    assert response.status_code == 400
    response = client.post(f"/curate/posts/{post.id}/edit",
                           data=post_form(image_alt="", remove_image="y"))
    assert response.status_code == 302
    db_session.refresh(post)
    assert post.image_name is None and post.image_alt == ""


def test_the_description_is_the_alt_of_every_image_and_offered_on_the_share_page(
        client, login, db_session):
    curator = f.user("curator")
    login(curator)
    response = client.post("/curate/posts/new", content_type="multipart/form-data",
                           data=post_form(image=(io.BytesIO(f.PNG), "natt.png"), image_alt=ALT))
    assert response.status_code == 302
    post = db_session.scalar(select(Post))
    escaped = ALT.replace("'", "&#39;")
    page = client.get(f"/curate/posts/{post.id}").get_data(as_text=True)
    assert escaped in alts(page)
    editor = client.get(f"/curate/posts/{post.id}/edit").get_data(as_text=True)
    assert alts(editor) and set(alts(editor)) == {escaped}
    assert f'value="{escaped}"' in editor
    client.post("/logout")

    unit = f.unit()
    person = f.user("ambassador", unit=unit)
    item = f.post("Nattevakt", units=(unit,), texts={"linkedin": "Bli med!",
                                                     "instagram": "Bli med!"})
    item.image_name, item.image_alt = post.image_name, ALT
    db_session.flush()
    login(person)
    queue = client.get("/queue").get_data(as_text=True)
    assert escaped in alts(queue)
    for network in ("linkedin", "instagram"):
        record = f.share(person, item, network=network)
        ready = client.get(f"/shares/{record.id}").get_data(as_text=True)
        assert escaped in alts(ready)
        assert '<label for="image-alt">Image description</label>' in ready
        assert f">{escaped}</textarea>" in ready
        assert "Copy image description" in ready


def test_share_page_without_an_image_offers_no_description(client, login, db_session):
    person = f.user("ambassador")
    item = f.post("Uten bilde", texts={"linkedin": "Hei"})
    record = f.share(person, item)
    login(person)
    ready = client.get(f"/shares/{record.id}").get_data(as_text=True)
    assert "image-alt" not in ready


def test_a_story_photo_needs_a_description_which_the_post_keeps(client, login, db_session):
    author = f.user(locale="nb")
    login(author)
    base = {"title": "Nattevakt", "text": "En natt på post 3", "consent": "y"}
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=dict(base, photo=(io.BytesIO(f.PNG), "us.png")))
    assert response.status_code == 400
    assert "Beskriv bildet for dem som ikke kan se det" in response.get_data(as_text=True)
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=dict(base, photo=(io.BytesIO(f.PNG), "us.png"),
                                     photo_alt="z" * 251))
    assert response.status_code == 400
    assert "Bruk høyst 250 tegn i bildebeskrivelsen." in response.get_data(as_text=True)
    assert count(db_session, Story) == 0
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=dict(base, photo=(io.BytesIO(f.PNG), "us.png"), photo_alt=ALT))
    assert response.status_code == 302
    story = db_session.scalar(select(Story))
    assert story.photo_alt == ALT
    # a story without a photo needs none
    assert client.post("/stories/new", data={"title": "To", "text": "Uten foto"}
                       ).status_code == 302
    client.post("/logout")
    login(f.user("curator"))
    page = client.get(f"/curate/stories/{story.id}").get_data(as_text=True)
    assert ALT.replace("'", "&#39;") in alts(page)
    response = client.post(f"/curate/stories/{story.id}/accept",
                           data={"accept-link": "https://example.org/nattevakt"})
    assert response.status_code == 302
    db_session.refresh(story)
    assert db_session.get(Post, story.post_id).image_alt == ALT
