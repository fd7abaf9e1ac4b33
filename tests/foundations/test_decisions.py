"""A request a curator answers once (advocacy/decisions.py), as stories and takeovers use it:
who answered and when is kept, a second answer and a note over the limit are refused and
change nothing."""

import pytest

from advocacy.db import utcnow
from advocacy.decisions import NOTE_MAX
from advocacy.stories import service as stories
from advocacy.stories.models import StoryStatus
from advocacy.stories.service import StoryError
from advocacy.takeovers import service as takeovers
from advocacy.takeovers.models import TakeoverStatus
from advocacy.takeovers.service import TakeoverError
from tests import factories as f


def test_a_story_declined_keeps_who_and_when_and_refuses_a_second_answer(db_session):
    curator, now = f.user("curator"), utcnow()
    story = f.story(f.user())
    with pytest.raises(StoryError) as caught:
        stories.decline(story, curator, reason="x" * (NOTE_MAX + 1), now=now)
    assert set(caught.value.errors) == {"reason"}
    assert (story.status, story.decided_by_id, story.decided_at) == (StoryStatus.NEW, None, None)
    stories.decline(story, curator, reason=" Not this time ", now=now)
    assert (story.status, story.decline_reason, story.decided_by_id, story.decided_at) == (
        StoryStatus.DECLINED, "Not this time", curator.id, now)
    with pytest.raises(StoryError):
        stories.accept(story, f.user("curator"), link="https://example.org/", now=now)
    assert story.decided_by_id == curator.id and story.post_id is None


def test_a_takeover_declined_takes_an_optional_note_within_the_limit(db_session):
    curator, now = f.user("curator"), utcnow()
    takeover = f.takeover(f.user(), days_ahead=3)
    with pytest.raises(TakeoverError) as caught:
        takeovers.decline(takeover, curator, note="x" * (NOTE_MAX + 1), now=now)
    assert set(caught.value.errors) == {"note"}
    assert (takeover.status, takeover.decided_by_id) == (TakeoverStatus.REQUESTED, None)
    takeovers.decline(takeover, curator, note="", now=now)
    assert (takeover.status, takeover.decision_note, takeover.decided_by_id,
            takeover.decided_at) == (TakeoverStatus.DECLINED, "", curator.id, now)
    with pytest.raises(TakeoverError):
        takeovers.decline(takeover, curator, note="again", now=now)
