"""Each endpoint with a valid token: what it answers, cursors, idempotent writes, privacy."""

from __future__ import annotations

from sqlalchemy import func, select

from advocacy.content.models import Post
from advocacy.recruitment.models import Application, JobFeed
from tests import factories as f


def _all_pages(client, path, headers, limit=2):
    items, cursor, pages = [], None, 0
    while True:
        query = f"{path}{'&' if '?' in path else '?'}limit={limit}"
        if cursor:
            query += f"&cursor={cursor}"
        body = client.get(query, headers=headers).get_json()
        items += body["items"]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            return items, pages


def test_units_paginate_by_cursor(client, bearer):
    top = f.unit("Kommune")
    made = [top] + [f.unit(f"Avdeling {i}", parent=top) for i in range(4)]
    items, pages = _all_pages(client, "/api/v1/units", bearer)
    ids = [u["id"] for u in items]
    assert set(u.id for u in made) <= set(ids) and ids == sorted(ids) and len(ids) == len(set(ids))
    assert pages >= 3
    child = next(u for u in items if u["id"] == made[1].id)
    assert child["parent_id"] == top.id and child["path"] == "Kommune › Avdeling 0"
    one = client.get(f"/api/v1/units/{top.id}", headers=bearer)
    assert one.status_code == 200 and one.get_json()["name"] == "Kommune"
    assert client.get("/api/v1/units/999999", headers=bearer).get_json()["code"] == "not_found"


def test_bad_cursor_is_a_400(client, bearer):
    response = client.get("/api/v1/units?cursor=notours", headers=bearer)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor"


def test_people_by_unit(client, bearer):
    team, other = f.unit(), f.unit()
    inside = f.user("ambassador", unit=team)
    f.user("ambassador", unit=other)
    body = client.get(f"/api/v1/people?unit_id={team.id}", headers=bearer).get_json()
    assert [p["id"] for p in body["items"]] == [inside.id]
    person = body["items"][0]
    assert person["roles"] == ["ambassador"] and person["participant"] is True
    assert "password_hash" not in person and "shares" not in person
    assert client.get(f"/api/v1/people/{inside.id}", headers=bearer).get_json()["email"] == \
        inside.email


def test_posts_read_and_filter(client, bearer):
    job = f.post(kind="job", status="live")
    job.job_reference = "WC-1"
    news = f.post(kind="news", status="draft")
    items = client.get("/api/v1/posts?kind=job", headers=bearer).get_json()["items"]
    assert job.id in [p["id"] for p in items] and news.id not in [p["id"] for p in items]
    one = client.get(f"/api/v1/posts/{job.id}", headers=bearer).get_json()
    assert one["job_reference"] == "WC-1" and one["texts"]["linkedin"]


def test_create_post_as_draft_is_idempotent(client, db_session, bearer):
    body = {"title": "Sykepleier", "link": "https://jobs.example.org/1", "kind": "job",
            "job_reference": "WC-77", "place": "Sarpsborg",
            "deadline_at": "2027-01-31T12:00:00+01:00",
            "texts": {"linkedin": "Vi søker sykepleiere", "x": "Vi søker!"}}
    first = client.post("/api/v1/posts", json=body, headers=bearer)
    assert first.status_code == 201, first.get_json()
    made = first.get_json()
    assert made["status"] == "draft" and made["job_reference"] == "WC-77"
    again = client.post("/api/v1/posts", json=body, headers=bearer)
    assert again.status_code == 200 and again.get_json()["id"] == made["id"]
    assert db_session.scalar(select(func.count()).select_from(Post).where(
        Post.job_reference == "WC-77")) == 1
    news = {"title": "Nyhet", "link": "https://example.org/n", "texts": {"facebook": "Hei"}}
    keyed = {**bearer, "Idempotency-Key": "abc-1"}
    one = client.post("/api/v1/posts", json=news, headers=keyed)
    two = client.post("/api/v1/posts", json=news, headers=keyed)
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.get_json()["id"] == two.get_json()["id"]
    other = client.post("/api/v1/posts", json=news, headers=bearer)
    assert other.status_code == 201 and other.get_json()["id"] != one.get_json()["id"]


def test_job_reference_of_a_non_job_conflicts(client, bearer):
    story = f.post(kind="story")
    story.job_reference = "TAKEN"
    response = client.post("/api/v1/posts", headers=bearer, json={
        "title": "X", "link": "https://example.org/", "kind": "job", "job_reference": "TAKEN",
        "texts": {"linkedin": "Hi"}})
    assert response.status_code == 409 and response.get_json()["code"] == "job_reference_taken"


def test_applications_create_then_update_never_double(client, db_session, bearer):
    job = f.post(kind="job")
    job.job_reference = "WC-9"
    body = {"job_reference": "WC-9", "ats_application_id": "A-1", "source": "job_board"}
    first = client.post("/api/v1/applications", json=body, headers=bearer)
    assert first.status_code == 201 and first.get_json()["created"] is True
    again = client.post("/api/v1/applications", json={**body, "outcome": "interviewed"},
                        headers=bearer)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["outcome"] == "interviewed"
    hired = client.patch("/api/v1/jobs/WC-9/applications/A-1", json={"outcome": "hired"},
                         headers=bearer)
    assert hired.status_code == 200 and hired.get_json()["outcome"] == "hired"
    assert db_session.scalar(select(func.count()).select_from(Application)) == 1
    missing = client.patch("/api/v1/jobs/WC-9/applications/NOPE", json={"outcome": "hired"},
                           headers=bearer)
    assert missing.status_code == 404 and missing.get_json()["code"] == "unknown_application"
    no_job = client.post("/api/v1/applications", headers=bearer,
                         json={"job_reference": "NOPE", "ats_application_id": "A-1"})
    assert no_job.status_code == 404 and no_job.get_json()["code"] == "unknown_job"


def test_unknown_share_reference_is_unattributed_not_an_error(client, bearer):
    job = f.post(kind="job")
    job.job_reference = "WC-10"
    response = client.post("/api/v1/applications", headers=bearer, json={
        "job_reference": "WC-10", "ats_application_id": "A-2",
        "share_reference": "no-such-reference"})
    assert response.status_code == 201
    assert response.get_json()["attributed"] is False
    assert response.get_json()["channel"] == "unknown"


def test_job_feeds(client, db_session, bearer):
    feed = JobFeed(name="Webcruiter", url="https://feeds.example.org/jobs.rss")
    db_session.add(feed)
    db_session.flush()
    items = client.get("/api/v1/job-feeds", headers=bearer).get_json()["items"]
    assert [(i["name"], i["url"]) for i in items] == [("Webcruiter", feed.url)]


def test_corps_health_folds_like_the_page(client, bearer):
    """Too few ambassadors: no figures at all, exactly as the page says."""
    team = f.unit()
    f.user("ambassador", unit=team)
    body = client.get(f"/api/v1/corps-health?unit_id={team.id}&years=1",
                      headers=bearer).get_json()
    assert body["enough_people"] is False and body["tables"] == []
    assert body["min_group"] == 5
    assert client.get("/api/v1/corps-health?unit_id=99999",
                      headers=bearer).status_code == 404
