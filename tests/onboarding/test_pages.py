"""The onboarding steps through HTTP, again after a new guidelines version."""

from sqlalchemy import select

from advocacy.onboarding.models import GuidelineAcceptance
from advocacy.programme.service import get_programme
from tests import factories as f


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
