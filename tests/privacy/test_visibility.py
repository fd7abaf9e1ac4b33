"""The one rule for seeing a named person, through the pages that obey it (issue 10, item 1).

Every role × setting combination is fetched over HTTP: the person page as the viewer gets it,
the person's own "what my leader sees" page compared with that very answer, the log of who
looked, and the corps-health page with its CSV files.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from advocacy.activity.models import EventKind
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild
from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.endorsements.service import give_kudos
from advocacy.privacy import visibility
from advocacy.privacy.models import PersonalDataAccess
from advocacy.privacy.settings import get_settings
from advocacy.programme.service import get_programme
from tests import factories as f

VIEWERS = ("self", "leader", "other_leader", "curator", "admin", "ambassador")
SWITCH = ("off", "scheduled", "effective")

# What each viewer's request for the person page must give, written out per role:
# (status, sections shown) — "years" with shares and clicks, "kudos", "choices" (skips …).


def expected(viewer: str, participant: bool, named: bool, switch: str) -> tuple[int, set]:
    if viewer == "self":
        return 200, {"years", "kudos", "choices"}
    if viewer == "admin":
        return 200, {"years", "kudos"}
    if viewer == "leader" and participant and named:
        return 200, {"years", "kudos"}
    if viewer == "leader" and participant and switch == "effective":
        return 200, {"years"}
    if viewer == "curator" and participant and named:
        return 200, {"years", "kudos"}
    return 403, set()


def sections(html: str) -> set[str]:
    found = set()
    if "Years side by side" in html:
        found.add("years")
    if re.search(r'id="person-kudos-heading"', html):
        found.add("kudos")
    if "Skipped" in html or "Snoozed" in html:
        found.add("choices")
    return found


def person_block(html: str, prefix: str) -> str:
    """The person sections of a page (a balanced <div>), with the id prefix made neutral."""
    start = html.index(f'<div class="person-sections" id="{prefix}-sections">')
    depth, pos = 0, start
    for match in re.finditer(r"<div\b|</div>", html[start:]):
        depth += 1 if match.group(0) == "<div" else -1
        if depth == 0:
            pos = start + match.end()
            break
    block = html[start:pos]
    return re.sub(rf'(id|labelledby)="{prefix}-', r'\1="X-', block).strip()


def neutral(page: str) -> str:
    """A page without its CSRF tokens (signed with the current second)."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page)


@pytest.fixture
def world(db_session):
    get_programme().min_group_size = 5
    team = f.unit("Team")
    colleagues = [f.user(unit=team) for _ in range(5)]
    person = f.user(unit=team, name="Kari Nordmann")
    leader = f.user("leader", unit=team, name="Leder Larsen")
    when = utcnow() - timedelta(days=3)
    for p in [person, *colleagues]:
        record_event(EventKind.SHARE, user=p, now=when, network="linkedin")
    record_event(EventKind.SKIP, user=person, now=when)
    give_kudos(leader, person, "Thanks, Kari", utcnow() - timedelta(days=1))
    return {"team": team, "person": person, "leader": leader,
            "other_leader": f.user("leader", unit=f.unit("Elsewhere")),
            "curator": f.user("curator"), "admin": f.user("admin"),
            "ambassador": f.user(unit=team)}


def set_switch(state: str) -> None:
    settings = get_settings()
    now = utcnow()
    settings.person_view_enabled = state != "off"
    settings.person_view_purpose = "Follow up ambassadors who need support"
    settings.person_view_effective_at = {"off": None, "scheduled": now + timedelta(days=30),
                                         "effective": now - timedelta(days=1)}[state]


@pytest.mark.parametrize("viewer, participant, named, switch",
                         list(itertools.product(VIEWERS, (True, False), (True, False), SWITCH)))
def test_every_role_and_setting_sees_what_the_rule_says_and_the_person_is_told_so(
    client, login, world, db_session, viewer, participant, named, switch
):
    person = world["person"]
    if not participant:
        person.left_at = utcnow()
    person.named_opt_in = named
    set_switch(switch)
    rebuild(ZoneInfo("Europe/Oslo"))
    db_session.flush()
    looks_before = db_session.scalar(select(func.count()).select_from(PersonalDataAccess))
    who = person if viewer == "self" else world[viewer]
    login(who)
    response = client.get(f"/insights/people/{person.id}")
    status, shown = expected(viewer, participant, named, switch)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    if status == 200:
        assert sections(page) == shown
        assert "Kari Nordmann" in page
    else:
        assert "Kari Nordmann" not in page and "Thanks, Kari" not in page
    looks = db_session.scalar(select(func.count()).select_from(PersonalDataAccess))
    assert looks - looks_before == (1 if status == 200 and viewer != "self" else 0)
    # the leaders' address for the page answers alike
    if viewer in ("leader", "other_leader"):
        assert client.get(f"/leader/people/{person.id}").status_code == status
    client.post("/logout")

    # The person's own transparency page shows, for this kind of viewer, exactly the
    # sections the viewer just got (not a copy of the rule: the HTML of the answer).
    login(person)
    mine = client.get("/privacy/leader-view").get_data(as_text=True)
    audience = {"leader": "leader", "curator": "curator", "admin": "admin"}.get(viewer)
    if audience:
        section = mine.split(f'id="audience-{audience}"', 1)[1]
        section = section.split('<section class="audience"', 1)[0]
        if status == 200:
            assert person_block(page, "person") == person_block(section, f"audience-{audience}")
            assert "They may see" in section
        else:
            assert 'class="person-sections"' not in section
            if audience == "curator" and participant:  # the regulars-who-stopped list
                assert "list of regulars who stopped" in section
            else:
                assert "They do not see your name" in section
    log = client.get("/privacy/access-log").get_data(as_text=True)
    if status == 200 and viewer != "self":
        assert world[viewer].name in log
    else:
        assert "Nobody else has opened your personal data." in log or viewer == "self"


def test_being_named_shows_the_name_on_the_health_page_and_csv_but_never_skips(
    client, login, world, db_session
):
    person, leader = world["person"], world["leader"]
    person.named_opt_in = True
    rebuild(ZoneInfo("Europe/Oslo"))
    login(leader)
    page = client.get(f"/insights/health?unit={world['team'].id}").get_data(as_text=True)
    csv = client.get(f"/insights/health.csv?table=named&unit={world['team'].id}")
    kudos = client.get(f"/insights/health.csv?table=kudos&unit={world['team'].id}")
    assert "Kari Nordmann" in page and "Kari Nordmann" in csv.get_data(as_text=True)
    assert "Thanks, Kari" in kudos.get_data(as_text=True)
    assert "Skipped" not in page
    client.post("/logout")
    login(person)
    mine = client.get("/privacy/leader-view").get_data(as_text=True)
    leader_part = mine.split('id="audience-leader"', 1)[1].split('<section class="audience"')[0]
    assert "table of people who agreed to be named" in leader_part
    log = client.get("/privacy/access-log").get_data(as_text=True)
    # the page and the two files: each is a look, with what was seen
    assert log.count("Leder Larsen") >= 3
    assert "corps-health table of people who agreed to be named" in log
    assert "Kudos you received" in log


def test_a_person_who_is_not_named_is_not_on_the_health_page_and_is_told_so(
    client, login, world, db_session
):
    rebuild(ZoneInfo("Europe/Oslo"))
    login(world["leader"])
    page = client.get(f"/insights/health?unit={world['team'].id}").get_data(as_text=True)
    assert "Kari Nordmann" not in page and "Thanks, Kari" not in page
    client.post("/logout")
    login(world["person"])
    mine = client.get("/privacy/leader-view").get_data(as_text=True)
    leader_part = mine.split('id="audience-leader"', 1)[1].split('<section class="audience"')[0]
    assert "They do not see your name" in leader_part
    assert "Nobody else has opened your personal data." in \
        client.get("/privacy/access-log").get_data(as_text=True)


def test_curators_see_regulars_who_stopped_by_name_the_look_is_logged_and_the_pages_say_so(
    client, login, db_session
):
    get_programme().min_group_size = 5
    unit = f.unit("Care")
    regulars = [f.user(unit=unit, name=f"Regular {i}") for i in range(5)]
    now = utcnow()
    for p in regulars:
        for back in range(4, 12):  # shared in eight months, silent for the last three
            record_event(EventKind.SHARE, user=p, now=now - timedelta(days=30 * back),
                         network="linkedin")
    rebuild(ZoneInfo("Europe/Oslo"))
    curator = f.user("curator", name="Cora Curator")
    login(curator)
    page = client.get("/insights/health").get_data(as_text=True)
    assert "Regular 0" in page
    client.post("/logout")
    login(regulars[0])
    log = client.get("/privacy/access-log").get_data(as_text=True)
    assert "Cora Curator" in log and "regulars who stopped" in log
    mine = client.get("/privacy/leader-view").get_data(as_text=True)
    curator_part = mine.split('id="audience-curator"', 1)[1].split('<section class="audience"')[0]
    assert "list of regulars who stopped" in curator_part
    overview = client.get("/privacy").get_data(as_text=True)
    assert "regular sharer who stopped" in overview
    # leaders get a count only: never names
    leader = f.user("leader", unit=unit)
    client.post("/logout")
    login(leader)
    assert "Regular 0" not in client.get(f"/insights/health?unit={unit.id}").get_data(
        as_text=True)


def test_the_admin_switch_page_says_what_leaders_see_when_it_is_off(client, login, db_session):
    login(f.user("admin"))
    page = client.get("/admin/privacy/person-view").get_data(as_text=True)
    assert "Leaders see totals only" not in page
    assert "only if that person chose to be named" in page


def test_guessed_person_ids_get_the_same_refusal_and_are_logged(client, login, world,
                                                                 db_session):
    person, leader = world["person"], world["leader"]
    outsider = f.user(unit=f.unit("Far away"), name="Far Person")
    outsider.named_opt_in = True
    login(leader)
    answers = [client.get(f"/insights/people/{uid}") for uid in
               (person.id, outsider.id, 987654, 2**40)]
    assert {r.status_code for r in answers[:3]} == {403}
    # the same page but for the address itself (the language form sends you back to it)
    bodies = {neutral(re.sub(r"/insights/people/\d+", "/insights/people/N",
                             r.get_data(as_text=True))) for r in answers[:3]}
    assert len(bodies) == 1  # nothing told apart: not named, not yours, no such person
    assert answers[3].status_code in (403, 404)
    refused = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "insights.refused", AuditEntry.actor_id == leader.id)).all()
    assert {a.target_id for a in refused} >= {person.id, outsider.id, 987654}


def test_guessed_units_and_periods_are_refused_alike_and_logged(client, login, world,
                                                                db_session):
    leader = world["leader"]
    other = f.unit("Not hers")
    login(leader)
    a = client.get(f"/insights/health?unit={other.id}")
    b = client.get("/insights/health?unit=987654")
    c = client.get(f"/insights/health.csv?table=overview&unit={other.id}")
    assert a.status_code == b.status_code == c.status_code == 403
    assert neutral(re.sub(r"unit=\d+", "unit=N", a.get_data(as_text=True))) == \
        neutral(re.sub(r"unit=\d+", "unit=N", b.get_data(as_text=True)))
    bad = client.get("/insights/health?from=1999-13")
    assert bad.status_code == 400
    reasons = [a.target_type for a in db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "insights.refused", AuditEntry.actor_id == leader.id))]
    assert reasons.count("unit") == 3 and reasons.count("period") == 1


def test_visibility_for_never_gives_choices_to_anyone_else():
    for roles in itertools.chain.from_iterable(
        itertools.combinations((visibility.LEADER, visibility.CURATOR, visibility.ADMIN,
                                visibility.AMBASSADOR), n) for n in range(5)
    ):
        for facts in itertools.product((True, False), repeat=4):
            seen = visibility.visibility_for(roles=set(roles), is_self=False,
                                         leads_person=facts[0], participant=facts[1],
                                         named=facts[2], person_view_in_effect=facts[3])
            assert not seen.may(visibility.CHOICES)
            assert seen.logged == seen.anything
            if not facts[1]:  # not taking part: only an administrator sees anything
                assert seen.anything == (visibility.ADMIN in roles)


def test_person_view_dates_follow_the_switch(db_session):
    team = f.unit()
    person = f.user(unit=team)
    leader = f.user("leader", unit=team)
    now = datetime.now(UTC)
    set_switch("scheduled")
    assert not visibility.person_visibility(leader, person, now).may(visibility.ACTIVITY)
    assert visibility.person_visibility(leader, person, now + timedelta(days=31)).may(
        visibility.ACTIVITY)
