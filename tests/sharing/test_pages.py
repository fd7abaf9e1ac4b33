"""The ambassador loop through HTTP: share a post, follow the tracked link, the limits."""

from sqlalchemy import select

from advocacy.sharing.models import Share
from advocacy.tracking.models import Click
from tests import factories as f
from tests.helpers import count


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
