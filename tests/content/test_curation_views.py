"""The curator's editor through HTTP: counters, uploads, review, topics. (Who may reach which
route: tests/app/test_access_matrix.py; the workspace's other pages: each feature's
test_pages.py.)"""

import io

from sqlalchemy import select

from advocacy.content.models import Post, Topic
from advocacy.programme.service import get_programme
from tests import factories as f
from tests.helpers import count


def post_form(**extra):
    data = {"title": "Bli med på karrieredagen", "link": "https://example.org/dag",
            "kind": "event", "event_at": "2026-12-01T10:00",
            "text_linkedin": "Vi ses på karrieredagen!", "text_x": "Karrieredag!",
            "text_x_b": "Kom på karrieredag", "audience_titles": "sykepleier, lege",
            "audience_languages": ["nb"]}
    data.update(extra)
    return data


def test_editor_shows_counters_limits_previews_and_ab_fields(client, login, db_session):
    login(f.user("curator"))
    page = client.get("/curate/posts/new").get_data(as_text=True)
    assert 'data-limit="280"' in page and "of 280 characters" in page
    assert 'id="text_x_b"' in page and "preview-x" in page
    assert "js/counter.js" in page and "js/preview.js" in page


def test_editor_saves_audience_variants_and_image_checked_by_content(client, login, db_session):
    login(f.user("curator"))
    # a real PNG with a misleading name is accepted; the type comes from the bytes
    data = post_form(image=(io.BytesIO(f.PNG), "notes.txt"), image_alt="Nurses at a stand")
    response = client.post("/curate/posts/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    post = db_session.scalar(select(Post))
    assert post.audience_titles == ["sykepleier", "lege"] and post.audience_languages == ["nb"]
    assert {(v.network, v.label) for v in post.variants} == {
        ("linkedin", "A"), ("x", "A"), ("x", "B")}
    assert post.image_name.endswith(".png")
    image = client.get(f"/uploads/{post.image_name}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == f.PNG
    assert client.get("/uploads/..%2Fsecret_key").status_code == 404


def test_editor_refuses_fake_images_and_names_the_size_limit(client, login, db_session):
    login(f.user("curator"))
    fake = post_form(image=(io.BytesIO(b"<script>alert(1)</script>"), "photo.png"))
    response = client.post("/curate/posts/new", data=fake, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "not a PNG, JPEG, GIF or WebP image" in response.get_data(as_text=True)
    big = post_form(image=(io.BytesIO(f.PNG + b"0" * (5 * 1024 * 1024)), "big.png"))
    response = client.post("/curate/posts/new", data=big, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "larger than 5 MB" in response.get_data(as_text=True)
    assert count(db_session, Post) == 0


def test_html_in_text_fields_is_shown_as_text(client, login, db_session):
    login(f.user("curator"))
    evil = "<script>alert('x')</script>"
    response = client.post("/curate/posts/new", data=post_form(title=evil, text_linkedin=evil))
    post = db_session.scalar(select(Post))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert evil not in page and "&lt;script&gt;" in page
    assert post.title == evil


def test_messages_come_in_the_users_language(client, login, db_session):
    login(f.user("curator", locale="nb"))
    response = client.post("/curate/posts/new", data=post_form(kind="job", event_at=""))
    assert response.status_code == 400
    assert 'lang="nb"' in response.get_data(as_text=True)


def test_two_curators_review_through_http(client, login, db_session):
    get_programme().require_second_approval = True
    author, reviewer = f.user("curator"), f.user("curator")
    login(author)
    response = client.post("/curate/posts/new", data=post_form(action="submit"))
    post = db_session.scalar(select(Post))
    assert post.status == "in_review"
    refused = client.post(f"/curate/posts/{post.id}/approve")
    assert refused.status_code == 409 and "Another curator" in refused.get_data(as_text=True)
    assert client.post(f"/curate/posts/{post.id}/comments", data={"body": ""}).status_code == 400
    client.post(f"/curate/posts/{post.id}/comments", data={"body": "Ready when you are"})
    client.post("/logout")
    login(reviewer)
    page = client.get(f"/curate/posts/{post.id}").get_data(as_text=True)
    assert "Ready when you are" in page and "Sent for review" in page
    assert client.post(f"/curate/posts/{post.id}/approve").status_code == 302
    assert post.status == "live" and post.approved_by_id == reviewer.id
    assert response.status_code == 302
    # a live edit is recorded in the history and shown
    edited = post_form(title="Karrieredag 1. desember")
    assert client.post(f"/curate/posts/{post.id}/edit", data=edited).status_code == 302
    page = client.get(f"/curate/posts/{post.id}").get_data(as_text=True)
    assert "<td>Changed</td>" in page and "→ Karrieredag 1. desember" in page
    listing = client.get("/curate/posts?status=live").get_data(as_text=True)
    assert "Karrieredag 1. desember" in listing


def test_topics_pages_merge_and_archive(client, login, db_session):
    a, b = f.topic("Helse"), f.topic("Omsorg")
    f.user(topics=(a,))
    login(f.user("curator"))
    page = client.get("/curate/topics").get_data(as_text=True)
    assert "Followers" in page and "Helse" in page
    response = client.post(f"/curate/topics/{a.id}", data={"name": "", "description": ""})
    assert response.status_code == 400
    assert client.post(f"/curate/topics/{a.id}",
                       data={"name": "Helse og omsorg", "description": "Alt om helse"}
                       ).status_code == 302
    assert client.post(f"/curate/topics/{b.id}/merge", data={"merge-target_id": a.id}
                       ).status_code == 302
    assert db_session.get(Topic, b.id).merged_into_id == a.id
    assert client.post(f"/curate/topics/{a.id}/archive", data={"archived": "1"}
                       ).status_code == 302
    assert db_session.get(Topic, a.id).archived
