"""Takeovers: the request is checked, one approved takeover a day (the rota)."""

from zoneinfo import ZoneInfo

import pytest

from advocacy.db import utcnow
from advocacy.takeovers import service as takeovers
from advocacy.takeovers.service import TakeoverError
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")


def test_takeover_request_checks_and_rota(db_session):
    person, curator = f.user(), f.user("curator")
    now = utcnow()
    with pytest.raises(TakeoverError) as caught:
        takeovers.request_takeover(person, account="", day=now.date(), plan="", today=now.date(),
                                   now=now)
    assert set(caught.value.errors) == {"account", "day"}
    first = f.takeover(person, days_ahead=5)
    second = f.takeover(f.user(), days_ahead=5)
    takeovers.approve(first, curator, now=now, tz=OSLO)
    with pytest.raises(TakeoverError):
        takeovers.approve(second, curator, now=now, tz=OSLO)  # the day is taken
    with pytest.raises(TakeoverError):
        f.takeover(f.user(), days_ahead=5)
    assert [t.id for t in takeovers.coming(now.date())] == [first.id, second.id]
