"""Leaders through HTTP: endorsements, kudos, going first, the named opt-in. (Their corps
health pages: tests/insights/test_corps_health_pages.py; `org` is in tests/conftest.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from advocacy.activity.models import ActivityEvent
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos
from advocacy.programme.service import get_programme
from tests import factories as f
from tests.helpers import count


def test_endorsed_post_shows_who_and_ranks_first_for_the_leaders_people(client, login, org,
                                                                         db_session):
    older = f.post("Older post", now=datetime.now(UTC) - timedelta(days=3))
    f.post("Newer post")
    login(org["health_leader"])
    response = client.post(f"/endorse/{older.id}", data={"note": "Proud of this team"})
    assert response.status_code == 302
    client.post("/logout")
    login(org["people"]["health"][0])
    page = client.get("/queue").get_data(as_text=True)
    assert "Endorsed by Hanna Leader" in page and "Proud of this team" in page
    assert page.index("Older post") < page.index("Newer post")
    client.post("/logout")
    login(org["people"]["schools"][0])  # not her unit: shown, but not moved up
    page = client.get("/queue").get_data(as_text=True)
    assert "Endorsed by Hanna Leader" in page
    assert page.index("Newer post") < page.index("Older post")
    assert count(db_session, ActivityEvent) == 1  # the endorsement itself


def test_withdrawn_endorsement_disappears(client, login, org, db_session):
    item = f.post("Post")
    login(org["health_leader"])
    client.post(f"/endorse/{item.id}", data={"note": ""})
    assert client.post(f"/endorse/{item.id}/withdraw").status_code == 302
    assert db_session.scalar(select(Endorsement)).withdrawn_at is not None
    client.post("/logout")
    login(org["people"]["health"][0])
    assert "Endorsed by" not in client.get("/queue").get_data(as_text=True)


def test_too_long_note_is_refused_and_nothing_saved(client, login, org, db_session):
    item = f.post()
    login(org["health_leader"])
    response = client.post(f"/endorse/{item.id}", data={"note": "x" * 281})
    assert response.status_code == 400
    assert "280" in response.get_data(as_text=True)
    assert count(db_session, Endorsement) == 0


def test_curator_asks_a_leader_who_endorses_with_one_click(client, login, org, db_session):
    item = f.post("Career day")
    login(f.user("curator"))
    page = client.get(f"/curate/posts/{item.id}/endorsements").get_data(as_text=True)
    assert "Hanna Leader" in page
    response = client.post(f"/curate/posts/{item.id}/endorsements",
                           data={"leader_id": org["health_leader"].id, "note": "Please?"})
    assert response.status_code == 302
    bad = client.post(f"/curate/posts/{item.id}/endorsements",
                      data={"leader_id": org["people"]["health"][0].id})
    assert bad.status_code == 400
    client.post("/logout")
    login(org["health_leader"])
    page = client.get("/endorse").get_data(as_text=True)
    assert "Asked of you" in page and "Please?" in page
    assert client.post(f"/endorse/{item.id}").status_code == 302  # the one click
    assert db_session.scalar(select(EndorsementRequest)).answered_at is not None
    assert "Asked of you" not in client.get("/endorse").get_data(as_text=True)


def test_kudos_reach_the_ambassador_and_only_within_the_leaders_units(client, login, org,
                                                                      db_session):
    nurse, teacher = org["people"]["health"][0], org["people"]["schools"][0]
    login(org["health_leader"])
    page = client.get("/kudos").get_data(as_text=True)
    assert nurse.name in page and teacher.name not in page
    assert client.post("/kudos", data={"recipient_id": nurse.id,
                                       "message": "Great story!"}).status_code == 302
    refused = client.post("/kudos", data={"recipient_id": teacher.id, "message": "Hi"})
    assert refused.status_code == 400 and count(db_session, Kudos) == 1
    client.post("/logout")
    login(nurse)
    page = client.get("/activity").get_data(as_text=True)
    assert "Great story!" in page and "Hanna Leader" in page


def test_leaders_go_first(client, login, org, db_session):
    get_programme().leaders_first_minutes = 60
    item = f.post("Fresh", now=datetime.now(UTC) - timedelta(minutes=30))
    nurse = org["people"]["health"][0]
    login(nurse)
    assert "Fresh" not in client.get("/queue").get_data(as_text=True)
    assert client.get(f"/share/{item.id}/linkedin").status_code == 404
    client.post("/logout")
    login(org["health_leader"])
    assert "Fresh" in client.get("/queue").get_data(as_text=True)
    assert client.post(f"/share/{item.id}/linkedin", data={"text": "First!"}).status_code == 302
    event = db_session.scalar(select(ActivityEvent).where(ActivityEvent.kind == "share"))
    assert event.as_leader and 29 <= event.value <= 31
    client.post("/logout")
    item.published_at = datetime.now(UTC) - timedelta(minutes=61)
    login(nurse)
    assert "Fresh" in client.get("/queue").get_data(as_text=True)


def test_skip_snooze_and_share_are_recorded(client, login, org, db_session):
    a, b, c = f.post(), f.post(), f.post()
    login(org["people"]["health"][0])
    client.post(f"/queue/{a.id}/skip")
    client.post(f"/queue/{b.id}/snooze", data={"days": "1"})
    client.post(f"/share/{c.id}/linkedin", data={"text": "mine"})
    kinds = sorted(db_session.scalars(select(ActivityEvent.kind)))
    assert kinds == ["share", "skip", "snooze"]
    unit_ids = set(db_session.scalars(select(ActivityEvent.unit_id)))
    assert unit_ids == {org["ward"].id}


def test_named_opt_in_is_off_by_default_and_toggled_in_settings(client, login, org, db_session):
    nurse = org["people"]["health"][0]
    assert nurse.named_opt_in is False
    login(nurse)
    assert client.post("/settings", data={"locale": "en", "named_opt_in": "y"}).status_code == 302
    assert nurse.named_opt_in is True
    client.post("/settings", data={"locale": "en"})
    assert nurse.named_opt_in is False


def test_programme_sets_leaders_head_start(client, login, db_session):
    login(f.user("curator"))
    data = {"purpose": "P", "guidelines": "G", "leaders_first_minutes": "90",
            "warning_drop_percent": "40"}
    assert client.post("/curate/programme", data=data).status_code == 302
    assert get_programme().leaders_first_minutes == 90
    bad = client.post("/curate/programme", data=dict(data, leaders_first_minutes="-5"))
    assert bad.status_code == 400 and get_programme().leaders_first_minutes == 90
