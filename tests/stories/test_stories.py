"""Stories: suggested with consent, accepted as a post with credit or declined with a reason."""

import pytest

from advocacy.db import utcnow
from advocacy.stories import service as stories
from advocacy.stories.service import StoryError
from tests import factories as f


def test_story_needs_consent_for_a_photo_and_text(db_session):
    author = f.user()
    with pytest.raises(StoryError) as caught:
        stories.suggest(author, title="", text="", photo_name="x.png", consent=False,
                        now=utcnow())
    assert set(caught.value.errors) == {"title", "text", "consent", "photo_alt"}


def test_story_becomes_a_post_with_credit_or_is_declined_with_a_reason(db_session):
    author, curator = f.user(), f.user("curator")
    story = f.story(author, photo=True)
    post = stories.accept(story, curator, link="https://example.org/story", now=utcnow())
    assert (post.status, post.kind, post.credit_user_id) == ("draft", "story", author.id)
    assert post.image_name == story.photo_name and story.post_id == post.id
    with pytest.raises(StoryError):
        stories.decline(story, curator, reason="late", now=utcnow())
    other = f.story(author)
    with pytest.raises(StoryError):
        stories.decline(other, curator, reason="  ", now=utcnow())
    stories.decline(other, curator, reason="We wrote about this last week", now=utcnow())
    mine = {s.id: s for s in stories.mine(author)}
    assert mine[other.id].decline_reason == "We wrote about this last week"
