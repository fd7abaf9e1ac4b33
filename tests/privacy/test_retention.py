"""Retention with frozen time: raw clicks pruned once folded into totals; twice is harmless."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from advocacy.activity.service import personal_activity
from advocacy.audit import service as audit
from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.privacy import service as privacy
from advocacy.privacy.models import DataExport, ExportStatus
from advocacy.tracking import service as tracking
from advocacy.tracking.models import Click
from tests import factories as f

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def meta(ip, ua="Mozilla/5.0 Firefox/128"):
    return tracking.RequestMeta(remote_addr=ip, user_agent=ua, referrer=None)


def click_count(session):
    return session.scalar(select(func.count()).select_from(Click))


def test_old_raw_clicks_are_pruned_once_in_totals_and_twice_is_harmless(db_session):
    person = f.user(unit=f.unit())
    share = f.share(person, f.post(now=T0), now=T0)
    for n in range(4):
        tracking.record_click(share.token, meta(f"203.0.113.{n}"), secret="s",
                              now=T0 + timedelta(days=n * 40))
    tracking.record_click(share.token, meta("203.0.113.99", "Twitterbot/1.0"), secret="s",
                          now=T0)
    before = privacy.totals()
    unit_before = privacy.totals({person.unit_id})
    assert (before.clicks, before.bot_clicks) == (4, 1)
    with time_machine.travel(T0 + timedelta(days=135), tick=False):
        first = privacy.run_retention(utcnow())
        # clicks at day 0 (two: person and bot) and day 40 are older than 90 days
        assert first.clicks_pruned == 3
        assert click_count(db_session) == 2
        assert privacy.totals() == before
        assert privacy.totals({person.unit_id}) == unit_before
        second = privacy.run_retention(utcnow())
        assert second.clicks_pruned == 0
        assert privacy.totals() == before
    # the person still sees their own clicks: the share carries what was pruned
    assert share.pruned_clicks == 2
    lines = privacy.leader_person_view(person)
    assert sum(line.clicks for line in lines) == 4


def test_nothing_younger_than_the_setting_is_pruned(db_session):
    share = f.share(f.user(), f.post(now=T0), now=T0)
    tracking.record_click(share.token, meta("203.0.113.1"), secret="s", now=T0)
    with time_machine.travel(T0 + timedelta(days=89), tick=False):
        assert privacy.run_retention(utcnow()).clicks_pruned == 0
    assert click_count(db_session) == 1


def test_audit_entries_are_kept_for_the_set_time(db_session):
    audit.record(None, "topic.create", now=T0, target_type="topic", target_id=1)
    audit.record(None, "topic.create", now=T0 + timedelta(days=700), target_type="topic",
                 target_id=2)
    with time_machine.travel(T0 + timedelta(days=731), tick=False):
        assert privacy.run_retention(utcnow()).audit_pruned == 1
        assert privacy.run_retention(utcnow()).audit_pruned == 0
    assert db_session.scalars(select(AuditEntry.target_id)).all() == [2]


def test_ready_exports_expire(db_session):
    person = f.user()
    export = privacy.request_export(person, T0)
    privacy.build_export(export.id, T0)
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        assert privacy.run_retention(utcnow()).exports_expired == 1
    refreshed = db_session.get(DataExport, export.id)
    assert refreshed.status == ExportStatus.EXPIRED and refreshed.content is None


def test_personal_activity_page_still_works_after_pruning(client, login, db_session):
    person = f.user()
    share = f.share(person, f.post(now=T0), now=T0)
    tracking.record_click(share.token, meta("203.0.113.1"), secret="s", now=T0)
    privacy.prune_raw_clicks(T0 + timedelta(days=100), 90)
    assert click_count(db_session) == 0
    years = personal_activity(person, UTC)
    assert (years[0].shares, years[0].clicks) == (1, 1)
