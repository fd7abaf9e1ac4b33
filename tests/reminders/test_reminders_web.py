"""Reminder delivery to a real local SMTP sink and webhook sink; the signed links; the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.reminders import delivery, dispatch, notices, planning, preferences, tokens
from advocacy.reminders import settings as reminder_settings
from advocacy.reminders.models import Kind, Reminder, ReminderPreference, ReminderSettings, Status
from tests import factories as f
from tests.helpers import always, first_login_link, path, send_all
from tests.worker.conftest import free_port

# --- e-mail -------------------------------------------------------------------------------


def test_digest_e_mail_in_the_persons_language_with_unsubscribe_headers(db_session, smtp):
    person = f.user(email="kari@example.org", name="Kari Nordmann", locale="da")
    always(person)
    post = f.post("Sygeplejersker søges")
    planning.plan(utcnow())
    (result,) = send_all()
    assert result["sent"] == 1
    (message,) = smtp.to("kari@example.org")
    assert message["Content-Language"] == "da"
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    assert '<html lang="da">' in html and "Sygeplejersker søges" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost/unsubscribe/") and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = db.session.scalar(select(Reminder).where(Reminder.user_id == person.id))
    assert row.status == Status.SENT and row.sent_at is not None and row.claim_token is None
    assert row.payload["post_ids"] == [post.id]


def test_the_same_batch_twice_sends_once(db_session, smtp):
    people = [f.user() for _ in range(3)]
    for person in people:
        always(person)
        notices.notify(person, Kind.NOTICE, {"headline": "Kudos!"}, utcnow())
    (batch,) = dispatch.dispatch(utcnow())
    first = delivery.send_batch(*batch, commit=db.session.commit)
    second = delivery.send_batch(*batch, commit=db.session.commit)
    assert first["sent"] == 3 and second == {**second, "claimed": 0, "sent": 0}
    assert set(smtp.counts().values()) == {1} and len(smtp.counts()) == 3


def test_no_e_mail_address_is_skipped_with_a_reason_and_others_still_go(db_session, smtp):
    nobody = f.user()
    always(nobody)
    somebody = f.user(email="ola@example.org")
    always(somebody)
    for person in (nobody, somebody):
        notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    nobody.email = ""
    send_all()
    states = {r.user_id: (r.status, r.last_error) for r in db.session.scalars(select(Reminder))}
    assert states[nobody.id] == (Status.SKIPPED, "no e-mail address")
    assert states[somebody.id] == (Status.SENT, None)
    assert len(smtp.to("ola@example.org")) == 1


def test_smtp_refusal_fails_that_one_reminder_and_admins_see_why(db_session, smtp, login):
    refused = f.user(email="gone@example.org")
    fine = f.user(email="here@example.org")
    for person in (refused, fine):
        always(person)
        notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    smtp.refuse.add("gone@example.org")
    send_all()
    states = {r.user_id: r for r in db.session.scalars(select(Reminder))}
    assert states[refused.id].status == Status.FAILED
    assert "550" in states[refused.id].last_error
    assert states[fine.id].status == Status.SENT and smtp.to("here@example.org")
    client = login(f.user("curator"))
    page = client.get("/curate/reminders").get_data(as_text=True)
    assert refused.name in page and "550" in page


def test_unreachable_smtp_server_retries_with_backoff_then_gives_up(db_session, app,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 3)
    person = f.user()
    always(person)
    now = utcnow()
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, now)
    send_all(now)
    row = db.session.scalar(select(Reminder))
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "SMTP" in row.last_error and row.due_at > now + timedelta(seconds=29)
    assert row.claim_token is None
    assert dispatch.dispatch(now) == []  # not before its new due time
    send_all(now + timedelta(hours=2))
    send_all(now + timedelta(hours=4))
    db.session.refresh(row)
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert "gave up after 3 tries" in row.last_error


def test_outside_quiet_hours_at_send_time_waits_for_the_morning(db_session, smtp):
    person = f.user()
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, datetime(2026, 11, 25, 9, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 19, 0, tzinfo=UTC), tick=False):
        # Preferences changed meanwhile: nothing may go out after 16:00 Oslo time.
        send_all(utcnow())
    row = db.session.scalar(select(Reminder))
    assert row.status == Status.PENDING and row.due_at == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert smtp.to(person.email) == []


# --- webhooks ------------------------------------------------------------------------------


def chat_settings(url: str, kind: str = "slack") -> None:
    settings = reminder_settings.ensure_settings()
    settings.webhook_url, settings.webhook_kind = url, kind
    db.session.flush()


def test_chat_channel_posts_to_the_webhook(db_session, smtp, hook):
    hook.bodies.clear()
    chat_settings(hook.url, "teams")
    person = f.user(name="Kari Nordmann")
    pref = always(person)
    pref.chat = True
    post = f.post("Nurses wanted")
    planning.plan(utcnow())
    send_all()
    channels = {r.channel: r.status for r in db.session.scalars(select(Reminder))}
    assert channels == {"email": Status.SENT, "chat": Status.SENT}
    (body,) = hook.bodies
    assert body["@type"] == "MessageCard" and body["text"].startswith("Kari: 1 new posts")
    assert f"/share/{post.id}/" in body["text"] and "/go/" not in body["text"]


def test_webhook_failures_are_reported_and_do_not_stop_e_mail(db_session, smtp, hook):
    person = f.user()
    pref = always(person)
    pref.chat = True
    chat_settings(hook.url)
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    hook.status = 503
    try:
        send_all()
    finally:
        hook.status = 200
    rows = {r.channel: r for r in db.session.scalars(select(Reminder))}
    assert rows["email"].status == Status.SENT
    assert rows["chat"].status == Status.PENDING and "503" in rows["chat"].last_error
    # A malformed address saved around the form fails for good, with the reason.
    chat_settings("htp:/broken url")
    send_all(utcnow() + timedelta(hours=3))
    db.session.refresh(rows["chat"])
    assert rows["chat"].status == Status.FAILED
    assert "webhook address refused" in rows["chat"].last_error


# --- the one-click login link ---------------------------------------------------------------


def test_one_click_link_logs_in_once_and_opens_the_share_page(db_session, smtp, client):
    person = f.user()
    always(person)
    post = f.post("Nurses wanted")
    planning.plan(utcnow())
    send_all()
    url = first_login_link(smtp, person)
    response = client.get(path(url))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/share/{post.id}/linkedin")
    assert client.get(f"/share/{post.id}/linkedin").status_code == 200
    client.post("/logout")
    replay = client.get(path(url))
    assert replay.status_code == 400 and "already been used" in replay.get_data(as_text=True)
    assert client.get("/queue").status_code == 302  # still logged out


def test_tampered_and_expired_links_change_nothing(db_session, app, client):
    person = f.user()
    with app.test_request_context():
        token = tokens.LoginLinks(person).token(None)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/go/{tampered}")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(days=8)):
        expired = client.get(f"/go/{token}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    # A password change makes older links useless too.
    person.session_version += 1
    db.session.flush()
    assert client.get(f"/go/{token}").status_code == 400
    assert db.session.scalars(select(tokens.UsedToken)).all() == []


# --- unsubscribe -----------------------------------------------------------------------------


def test_unsubscribe_link_works_without_login_and_one_click_post(db_session, smtp, client):
    person = f.user()
    always(person)
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    send_all()
    (message,) = smtp.to(person.email)
    url = message["List-Unsubscribe"].strip("<>")
    page = client.get(path(url))
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    assert preferences.preference_for(person).unsubscribed_kinds() == set()  # GET changes nothing
    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click", no cookie, no CSRF token.
    done = client.post(path(url), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert preferences.preference_for(person).unsubscribed_kinds() == {"notice"}
    assert notices.notify(person, Kind.NOTICE, {"headline": "Again"}, utcnow()) == 0


def test_unsubscribe_links_cannot_be_forged(db_session, app, client):
    from itsdangerous import URLSafeSerializer

    victim = f.user()
    forged = URLSafeSerializer("not-our-secret", salt=tokens.UNSUBSCRIBE_SALT).dumps(
        {"u": victim.id, "k": "digest"})
    with app.test_request_context():
        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens.OPEN_SALT).dumps(
            {"u": victim.id, "k": "digest"})
        valid = tokens.unsubscribe_token(victim.id, "digest")
    for token in (forged, other_salt, valid[:-1] + ("x" if valid[-1] != "x" else "y")):
        assert client.post(f"/unsubscribe/{token}").status_code == 400
    assert db.session.get(ReminderPreference, victim.id) is None


# --- preferences and settings pages ---------------------------------------------------------


def test_preferences_page_saves_choices(db_session, login):
    person = f.user()
    client = login(person)
    page = client.get("/settings/reminders")
    assert page.status_code == 200 and "Europe/Oslo" in page.get_data(as_text=True)
    response = client.post("/settings/reminders", data={
        "frequency": "daily", "email": "y", "work_start": "9", "work_end": "15",
        "work_days": ["1", "3"], "subscribed": ["digest", "nudge"],
    })
    assert response.status_code == 302
    pref = db.session.get(ReminderPreference, person.id)
    assert (pref.frequency, pref.work_start, pref.work_end, pref.work_days) == (
        "daily", 9, 15, "13")
    assert pref.unsubscribed_kinds() == {"reengage", "unit_drop", "notice", "takeover", "year"}


def test_preferences_refuse_an_empty_working_day(db_session, login):
    person = f.user()
    client = login(person)
    response = client.post("/settings/reminders", data={
        "frequency": "weekly", "work_start": "16", "work_end": "8", "work_days": []})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "The last hour must come after the first." in text
    assert "Choose at least one day." in text
    assert db.session.get(ReminderPreference, person.id) is None


@pytest.mark.parametrize("url, message", [
    ("htp:/broken", "Use a full https:// address"),
    ("http://hooks.slack.com/services/x", "Use https"),
    ("https://exa mple.org/x", "not contain spaces"),
    ("https://example.org:99999/x", "not a valid web address"),
])
def test_malformed_webhook_url_is_refused_on_the_form(db_session, login, url, message):
    client = login(f.user("curator"))
    response = client.post("/curate/reminders/settings", data={
        "webhook_url": url, "webhook_kind": "slack", "reengage_weeks": "6",
        "unit_drop_percent": "50"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.get(ReminderSettings, 1) is None


def test_curator_saves_a_webhook(db_session, login):
    client = login(f.user("curator"))
    response = client.post("/curate/reminders/settings", data={
        "webhook_url": "https://hooks.slack.com/services/T/B/x", "webhook_kind": "slack",
        "reengage_weeks": "8", "unit_drop_percent": "40", "tracking_pixel": "y"})
    assert response.status_code == 302
    settings = db.session.get(ReminderSettings, 1)
    assert (settings.webhook_url, settings.reengage_weeks, settings.tracking_pixel) == (
        "https://hooks.slack.com/services/T/B/x", 8, True)


def test_tracking_pixel_is_off_by_default_and_counts_when_on(db_session, smtp, client):
    person = f.user()
    always(person)
    notices.notify(person, Kind.NOTICE, {"headline": "Hi"}, utcnow())
    send_all()
    (message,) = smtp.to(person.email)
    assert "/o/" not in message.get_body(("html",)).get_content()
    row = db.session.scalar(select(Reminder))
    with client.application.test_request_context():
        pixel = f"/o/{tokens.open_token(row.id)}.gif"
    client.get(pixel)
    assert db.session.get(Reminder, row.id).opened_at is None
    reminder_settings.ensure_settings().tracking_pixel = True
    response = client.get(pixel)
    assert response.status_code == 200 and response.mimetype == "image/gif"
    db.session.refresh(row)
    assert row.opened_at is not None
