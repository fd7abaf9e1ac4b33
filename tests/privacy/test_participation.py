"""Opt-in, the per-person switch with its notice period, the access log and the notices."""

import socket
from contextlib import contextmanager
from datetime import date, timedelta
from email import message_from_bytes, policy

import time_machine
from sqlalchemy import func, select

from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.folding import OTHER, fold_flat
from advocacy.privacy import mailer, visibility
from advocacy.privacy.models import NoticeDelivery, PersonalDataAccess
from advocacy.privacy.notices import send_notice_emails, unseen_notices
from advocacy.privacy.participation import leave, set_named
from advocacy.privacy.person_view import switch_person_view_on
from advocacy.privacy.settings import PrivacyError, get_settings
from tests import factories as f


def switch_on(now, days=42):
    return switch_person_view_on(
        purpose="Follow up ambassadors who need support", consulted_on=now.date(),
        dpia_reference="DPIA-2026-7", effective_at=now + timedelta(days=days), by_user_id=None,
        now=now,
    )


def test_people_who_have_not_joined_cannot_share_and_are_invited(client, login, db_session):
    person = f.user(joined=False)
    item = f.post()
    login(person)
    response = client.get(f"/share/{item.id}/linkedin")
    assert response.status_code == 302 and "/privacy/participation" in response.headers["Location"]
    assert client.get("/queue").status_code == 302
    assert "Join the ambassador programme" in client.get("/").get_data(as_text=True)


def test_join_and_leave_through_the_page(client, login, db_session):
    person = f.user(joined=False)
    login(person)
    assert client.post("/privacy/participation", data={"action": "join"}).status_code == 302
    assert person.is_participant and person.joined_at is not None
    assert client.get("/queue").status_code == 200
    client.post("/privacy/participation", data={"action": "named", "named-named": "y"})
    assert person.named_opt_in is True
    assert client.post("/privacy/participation", data={"action": "leave"}).status_code == 302
    assert not person.is_participant and person.left_at is not None
    assert person.named_opt_in is False
    assert client.post("/privacy/participation", data={"action": "bogus"}).status_code == 400


def test_named_opt_in_is_off_by_default_and_takes_effect_at_once(db_session):
    person, curator = f.user(), f.user("curator")

    def named() -> bool:  # kudos walls and leaderboards name only those who chose it
        return visibility.person_visibility(curator, person, utcnow()).may(visibility.KUDOS)

    assert person.named_opt_in is False and not named()
    set_named(person, True)
    assert named()
    leave(person, utcnow())
    assert not named()


def test_small_groups_are_folded_into_other():
    # "other" of 3 next to a total of 15 would be worked out: the smallest group joins it
    assert fold_flat({"A": 7, "B": 2, "C": 5, "D": 1}, 5) == {
        "A": "A", "B": OTHER, "C": OTHER, "D": OTHER}
    assert fold_flat({"A": 7, "B": 3, "C": 5, "D": 2}, 5) == {
        "A": "A", "B": OTHER, "C": "C", "D": OTHER}


def test_switch_needs_purpose_consultation_dpia_and_notice_period(db_session):
    now = utcnow()
    try:
        switch_person_view_on(purpose=" ", consulted_on=None, dpia_reference="",
                                      effective_at=now + timedelta(days=10), by_user_id=None,
                                      now=now)
    except PrivacyError as exc:
        assert set(exc.errors) == {"purpose", "consulted_on", "dpia_reference", "effective_at"}
    else:
        raise AssertionError("accepted")
    assert get_settings().person_view_enabled is False
    notice = switch_person_view_on(
        purpose="p", consulted_on=now.date(), dpia_reference="D", effective_at=None,
        by_user_id=None, now=now)
    assert notice.effective_at == now + timedelta(days=42)


def test_leader_sees_no_name_before_the_effective_date_and_every_later_look_is_logged(
    client, login, db_session
):
    team = f.unit()
    person = f.user(unit=team, name="Kari Nordmann")
    f.share(person, f.post())
    leader = f.user("leader", unit=team, name="Leder Larsen")
    outsider_leader = f.user("leader", unit=f.unit())
    now = utcnow()
    # default: off
    login(leader)
    response = client.get(f"/leader/people/{person.id}")
    assert response.status_code == 403 and "Kari Nordmann" not in response.get_data(as_text=True)
    switch_on(now)
    db_session.commit()
    client.post("/logout")
    with time_machine.travel(now + timedelta(days=41), tick=False):
        login(leader)  # sessions older than a month are refused, so log in again
        response = client.get(f"/leader/people/{person.id}")
        assert response.status_code == 403
        assert "Kari Nordmann" not in response.get_data(as_text=True)
        client.post("/logout")
    assert db_session.scalar(select(func.count()).select_from(PersonalDataAccess)) == 0
    with time_machine.travel(now + timedelta(days=42, seconds=1), tick=False):
        login(leader)
        response = client.get(f"/leader/people/{person.id}")
        assert response.status_code == 200
        assert "Kari Nordmann" in response.get_data(as_text=True)
        client.get(f"/leader/people/{person.id}")
        # a leader of another unit, and a person who has not joined, stay hidden
        other = f.user(unit=team, joined=False, name="Ola Ikkemed")
        assert client.get(f"/leader/people/{other.id}").status_code == 403
        client.post("/logout")
        login(outsider_leader)
        assert client.get(f"/leader/people/{person.id}").status_code == 403
        client.post("/logout")
        # the person sees both looks, with who and why
        login(person)
        log = client.get("/privacy/access-log").get_data(as_text=True)
        assert log.count("Leder Larsen") == 2
        assert "Follow up ambassadors who need support" in log
        mine = client.get("/privacy/leader-view").get_data(as_text=True)
        assert "Leder Larsen" in mine and "Kari Nordmann" in mine
    rows = db_session.scalars(select(PersonalDataAccess)).all()
    assert [(r.subject_id, r.viewer_id) for r in rows] == [(person.id, leader.id)] * 2
    audited = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "person.view"))
    assert [(a.actor_id, a.target_id) for a in audited] == [(leader.id, person.id)] * 2


def test_leaving_hides_a_person_at_once(db_session):
    team = f.unit()
    person = f.user(unit=team)
    leader = f.user("leader", unit=team)
    now = utcnow()
    switch_on(now)
    later = now + timedelta(days=43)
    assert visibility.can_view_person(leader, person, later)
    leave(person, later)
    assert not visibility.can_view_person(leader, person, later)


def test_leader_of_a_parent_unit_leads_its_sub_units(db_session):
    top = f.unit()
    child = f.unit(parent=top)
    grandchild = f.unit(parent=child)
    leader = f.user("leader", unit=top)
    assert grandchild.id in visibility.led_unit_ids(leader)
    assert top.id not in visibility.led_unit_ids(f.user("leader", unit=child))
    assert visibility.led_unit_ids(f.user()) == set()


def test_admin_switches_on_through_the_form_and_everyone_is_told(app, client, login,
                                                               db_session):
    admin = f.user("admin")
    person = f.user(locale="en")
    login(admin)
    today = utcnow().date()
    bad = client.post("/admin/privacy/person-view", data={
        "action": "on", "purpose": "Support", "consulted_on": today.isoformat(),
        "dpia_reference": "DPIA-1", "effective_on": (today + timedelta(days=5)).isoformat()})
    assert bad.status_code == 400 and "42 days" in bad.get_data(as_text=True)
    assert get_settings().person_view_enabled is False
    ok = client.post("/admin/privacy/person-view", data={
        "action": "on", "purpose": "Support", "consulted_on": today.isoformat(),
        "dpia_reference": "DPIA-1", "effective_on": (today + timedelta(days=44)).isoformat()})
    assert ok.status_code == 302
    settings = get_settings()
    assert settings.person_view_enabled and settings.person_view_dpia_reference == "DPIA-1"
    assert settings.person_view_consulted_on == today
    client.post("/logout")
    # in the app: a banner until marked as read
    login(person)
    home = client.get("/").get_data(as_text=True)
    assert "Leaders may see named per-person figures" in home
    notice = unseen_notices(person)[0]
    client.post(f"/privacy/notices/{notice.id}/seen")
    assert "Leaders may see named per-person figures" not in client.get("/").get_data(
        as_text=True)
    # by e-mail, through advocacy/mail.py: each active person once
    with smtp_sink(app) as received:
        count = send_notice_emails(mailer.send_notice, utcnow())
        assert send_notice_emails(mailer.send_notice, utcnow()) == 0
    assert count == len(received) >= 2
    assert person.email in {rcpt for e in received for rcpt in e.rcpt_tos}
    assert db_session.scalar(select(func.count()).select_from(NoticeDelivery).where(
        NoticeDelivery.emailed_at.is_not(None))) == count


@contextmanager
def smtp_sink(app):
    """A real SMTP server on a free loopback port; the app's mail settings point at it."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                            "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USERNAME=None)
    try:
        yield received
    finally:
        app.config.update(saved)
        controller.stop()


def test_notice_email_uses_the_shared_templates_in_the_persons_language(app, db_session):
    """templates/emails/privacy_notice/ through advocacy.mail: text and HTML, own language."""
    f.user(email="ansatt@example.org", name="Ansatt En", locale="nb")
    f.user(email="medarbejder@example.org", name="Medarbejder To", locale="da")
    gone = f.user(email="sluttet@example.org")
    gone.active = False
    switch_on(utcnow())
    with smtp_sink(app) as received:
        send_notice_emails(mailer.send_notice, utcnow(), db_session.commit)
    by_rcpt = {rcpt: e for e in received for rcpt in e.rcpt_tos}
    assert "sluttet@example.org" not in by_rcpt
    for address, locale, name in (("ansatt@example.org", "nb", "Ansatt En"),
                                  ("medarbejder@example.org", "da", "Medarbejder To")):
        message = message_from_bytes(by_rcpt[address].content, policy=policy.default)
        assert message["Content-Language"] == locale
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert name in text and name in html
        assert "http://localhost/privacy/leader-view" in text
        assert 'href="http://localhost/privacy/leader-view"' in html
        assert "Follow up ambassadors who need support" in html


def test_privacy_notice_is_generated_from_settings_and_warns_about_legitimate_interests(
    client, login, db_session
):
    admin = f.user("admin")
    login(admin)
    response = client.post("/admin/privacy", data={
        "controller_name": "Bergen kommune", "controller_contact": "postmottak@bergen.example",
        "dpo_contact": "personvernombud@bergen.example", "legal_basis": "legitimate_interests",
        "public_authority": "y", "retention_days": "90", "audit_retention_days": "730",
        "erase_after_days": "30", "min_group_size": "5"})
    assert response.status_code == 302
    page = client.get("/admin/privacy").get_data(as_text=True)
    assert "not available to public authorities" in page
    client.post("/logout")
    notice = client.get("/privacy/notice").get_data(as_text=True)
    for text in ("Bergen kommune", "postmottak@bergen.example", "personvernombud@bergen.example",
                 "Legitimate interests", "not available to public authorities", "90"):
        assert text in notice, text
    bad = client.post("/admin/privacy", data={"legal_basis": "whatever"})
    assert bad.status_code in (302, 400)
    assert get_settings().legal_basis == "legitimate_interests"
    entries = db.session.scalars(select(AuditEntry.action)).all()
    assert "privacy.settings" in entries


def test_consultation_date_in_the_future_is_refused(db_session):
    now = utcnow()
    try:
        switch_person_view_on(purpose="p", consulted_on=date.today() + timedelta(days=3),
                                      dpia_reference="D", effective_at=None, by_user_id=None,
                                      now=now)
    except PrivacyError as exc:
        assert "consulted_on" in exc.errors
    else:
        raise AssertionError("accepted")
