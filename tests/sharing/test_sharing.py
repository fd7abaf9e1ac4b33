from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.db import utcnow
from advocacy.sharing import service as sharing
from advocacy.sharing.models import Share
from tests import factories as f


def test_share_stores_who_what_where_and_a_unique_token(db_session):
    person = f.user()
    item = f.post(texts={"linkedin": "Suggested", "x": "Short"})
    now = utcnow()
    first = sharing.share(person, item, "linkedin", "  In my own words  ", now)
    second = sharing.share(person, item, "x", "Mine", now)
    assert (first.user_id, first.post_id, first.network, first.text) == (
        person.id, item.id, "linkedin", "In my own words",
    )
    assert first.created_at == now
    assert first.token != second.token and len(first.token) >= 20


def test_x_text_over_280_is_refused_and_nothing_saved(db_session):
    person, item = f.user(), f.post()
    with pytest.raises(sharing.ShareError) as err:
        sharing.share(person, item, "x", "a" * 281, utcnow())
    assert "280" in str(err.value)
    assert db_session.scalar(select(func.count()).select_from(Share)) == 0
    assert sharing.share(person, item, "x", "a" * 280, utcnow()).text == "a" * 280


def test_network_without_a_suggestion_is_refused(db_session):
    person = f.user()
    item = f.post(texts={"linkedin": "only LinkedIn"})
    with pytest.raises(sharing.ShareError):
        sharing.share(person, item, "facebook", "hi", utcnow())
    with pytest.raises(sharing.ShareError):
        sharing.share(person, item, "myspace", "hi", utcnow())


def test_network_share_pages_carry_the_tracked_link():
    tracked = "https://adv.example/r/abc"
    linkedin = urlsplit(sharing.network_share_url("linkedin", tracked, "text"))
    assert linkedin.netloc == "www.linkedin.com"
    assert parse_qs(linkedin.query) == {"url": [tracked]}
    facebook = urlsplit(sharing.network_share_url("facebook", tracked, "text"))
    assert parse_qs(facebook.query) == {"u": [tracked]}
    x = urlsplit(sharing.network_share_url("x", tracked, "Mine & yours"))
    assert parse_qs(x.query) == {"text": ["Mine & yours"], "url": [tracked]}
    assert sharing.network_share_url("instagram", tracked, "text") is None
