"""The curator workspace through HTTP: editor, uploads, review, topics, stories, people,
onboarding, takeovers, calendar. (Who may reach which route: test_access_matrix.py.)"""

import io

from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.content.models import Post, Topic
from advocacy.onboarding.models import GuidelineAcceptance
from advocacy.programme.service import get_programme
from advocacy.stories.models import Story
from advocacy.takeovers.models import Takeover
from tests import factories as f


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


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


def test_people_import_report_confirm_and_idempotence(client, login, db_session):
    f.unit("Helse")
    login(f.user("curator"))
    csv_data = (b"email;name;unit;title;language;roles\n"
                b"kari@example.org;Kari;Helse;sykepleier;nb;ambassador\n"
                b"bad;Ola;Helse;;;\n"
                b"per@example.org;<b>Per</b>;Mars;;;\n")
    before = count(db_session, User)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(csv_data), "people.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a valid e-mail" in page and "Unknown unit “Mars”" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page
    assert count(db_session, User) == before  # nothing written before confirming
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/curate/people/import/confirm", data={"token": token}).status_code == 302
    assert count(db_session, User) == before + 1
    # the same file again changes nothing
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(csv_data), "people.csv")},
                           content_type="multipart/form-data")
    assert "1 person unchanged" in response.get_data(as_text=True)
    assert client.post("/curate/people/import/confirm",
                       data={"token": "not-a-token-at-all"}).status_code == 302
    assert count(db_session, User) == before + 1


def test_people_import_refuses_50_mb_and_empty_files(client, login, db_session):
    login(f.user("curator"))
    big = b"email,name\n" + b"a" * (50 * 1024 * 1024)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(big), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "larger than 10 MB" in response.get_data(as_text=True)
    response = client.post("/curate/people/import",
                           data={"file": (io.BytesIO(b""), "empty.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "empty" in response.get_data(as_text=True)


def test_deactivate_and_reactivate_a_person(client, login, db_session):
    curator, person = f.user("curator"), f.user(name="Leaving Person")
    login(curator)
    assert client.post(f"/curate/people/{person.id}/deactivate").status_code == 302
    assert not person.active
    assert "Leaving Person" in client.get("/curate/people?show=inactive").get_data(as_text=True)
    client.post(f"/curate/people/{curator.id}/deactivate")
    assert curator.active
    assert client.post(f"/curate/people/{person.id}/reactivate").status_code == 302
    assert person.active


def test_onboarding_steps_and_new_guidelines_version(client, login, db_session):
    programme = get_programme()
    programme.purpose = "Vi deler for å rekruttere."
    programme.guidelines = "Husk taushetsplikten."
    topic = f.topic("Jobb")
    f.post("Bli med oss", topics=(topic,))
    person = f.user()
    login(person)
    home = client.get("/").get_data(as_text=True)
    assert "/welcome" in home  # the prompt
    assert "Vi deler for å rekruttere." in client.get("/welcome").get_data(as_text=True)
    assert "Husk taushetsplikten." in client.get("/welcome/guidelines").get_data(as_text=True)
    assert client.post("/welcome/guidelines", data={}).status_code == 400
    response = client.post("/welcome/guidelines", data={"accept": "y"})
    assert response.headers["Location"].endswith("/welcome/interests")
    accepted = db_session.scalar(select(GuidelineAcceptance))
    assert accepted.version == programme.guidelines_version
    response = client.post("/welcome/interests",
                           data={"topic_ids": [topic.id], "networks": ["linkedin"]})
    assert response.headers["Location"].endswith("/queue")
    queue = client.get("/queue").get_data(as_text=True)
    assert "Bli med oss" in queue and "/welcome" not in queue
    programme.guidelines_version += 1
    assert "/welcome" in client.get("/queue").get_data(as_text=True)


def test_takeover_request_approve_and_lists(client, login, db_session):
    person = f.user(name="Tor Takeover")
    login(person)
    assert client.post("/takeovers", data={"account": "", "day": ""}).status_code == 400
    assert client.post("/takeovers", data={"account": "Instagram @by", "day": "2099-01-05",
                                           "plan": "Vise kjøkkenet"}).status_code == 400
    response = client.post("/takeovers", data={"account": "Instagram @by", "day": "2026-12-30",
                                               "plan": "Vise kjøkkenet"})
    if response.status_code == 400:  # the test ran after that day
        return
    takeover = db_session.scalar(select(Takeover))
    client.post("/logout")
    login(f.user("curator"))
    assert "Tor Takeover" in client.get("/curate/takeovers").get_data(as_text=True)
    assert client.post(f"/curate/takeovers/{takeover.id}/approve").status_code == 302
    assert takeover.status == "approved"
    page = client.get("/curate/calendar?month=2026-12").get_data(as_text=True)
    assert "Instagram @by" in page and 'scope="col"' in page
    assert "month=2026-11" in page and "month=2027-01" in page


def test_calendar_shows_scheduled_posts_and_bad_months_fall_back(client, login, db_session):
    from datetime import UTC, datetime

    f.post("Jobb på sykehjemmet", kind="job", deadline_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
           now=datetime(2026, 11, 1, tzinfo=UTC))
    login(f.user("curator"))
    page = client.get("/curate/calendar?month=2026-11").get_data(as_text=True)
    assert "Jobb på sykehjemmet" in page and "Application deadline" in page
    assert client.get("/curate/calendar?month=garbage").status_code == 200


def test_programme_settings_for_review_and_fatigue(client, login, db_session):
    login(f.user("curator"))
    data = {"name": "", "purpose": "P", "guidelines": "G", "require_second_approval": "y",
            "weekly_post_cap": "3"}
    assert client.post("/curate/programme", data=data).status_code == 302
    programme = get_programme()
    assert programme.require_second_approval and programme.weekly_post_cap == 3
    bad = dict(data, weekly_post_cap="-1")
    assert client.post("/curate/programme", data=bad).status_code == 400
