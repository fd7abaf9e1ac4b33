"""The public redirect through HTTP: an unknown token."""

from advocacy.tracking.models import Click
from tests.helpers import count


def test_unknown_token_is_404_without_redirect(client, db_session):
    response = client.get("/r/does-not-exist")
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert count(db_session, Click) == 0
