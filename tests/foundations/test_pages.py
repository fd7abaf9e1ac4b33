"""What every page shares: the CSRF check, the browser's language, the security headers."""

from advocacy.queue.models import QueueDecision
from tests import factories as f
from tests.helpers import count


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
