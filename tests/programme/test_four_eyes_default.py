"""Four eyes by default (issue 10, item 10): the second-curator review starts switched on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, text

from advocacy.content import editing, errors, post_input, review
from advocacy.db import utcnow
from advocacy.demo import generate
from advocacy.extensions import db
from advocacy.programme.models import Programme
from advocacy.programme.service import get_programme
from tests import factories as f


def test_a_new_installation_asks_for_a_second_curator(db_session):
    db_session.execute(delete(Programme))
    assert get_programme().require_second_approval is True

def test_a_row_written_without_the_setting_gets_it_from_the_database(db_session):
    """The server default (migration 0010_sessions), e.g. for rows written by SQL or tools."""
    db_session.execute(delete(Programme))
    db_session.execute(text("INSERT INTO programmes (id, name, purpose, guidelines, "
                            "guidelines_version, min_group_size, retention_days, "
                            "weekly_post_cap, updated_at) VALUES (1, '', '', '', 1, 5, 90, 0, "
                            ":now)"), {"now": utcnow()})
    value = db_session.execute(
        select(Programme.__table__.c.require_second_approval)).scalar_one()
    assert value is True or value == 1

def test_the_demo_programme_has_four_eyes(db_session):
    db_session.execute(delete(Programme))
    generate.fill(db_session.connection(), password_hash="not-a-hash", ambassadors=20,
                  years=1, seed=3, now=datetime(2026, 6, 15, 12, tzinfo=UTC),
                  tz=ZoneInfo("Europe/Oslo"))
    db_session.expire_all()
    assert db.session.get(Programme, 1).require_second_approval is True

def test_with_the_default_the_author_cannot_publish_alone(db_session):
    db_session.execute(delete(Programme))
    author, other = f.user("curator"), f.user("curator")
    post = editing.create_post(post_input.PostData(
        title="Sykepleiere søkes", link="https://example.org/jobs/1", kind="news",
        status="draft", starts_at=None, ends_at=None, topic_ids=[], unit_ids=[],
        texts={"linkedin": "Vi ansetter"}), by_user_id=author.id, now=utcnow())
    required = get_programme().require_second_approval
    with pytest.raises(errors.ReviewError):
        review.approve_and_publish(post, author, now=utcnow(), require_second=required)
    review.submit_for_review(post, author, now=utcnow())
    with pytest.raises(errors.ReviewError):
        review.approve_and_publish(post, author, now=utcnow(), require_second=required)
    approved = review.approve_and_publish(post, other, now=utcnow(), require_second=required)
    assert approved.status == "live"
