"""Review workflow, history, live edits, A/B variants, audience matching, fatigue cap, topics."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from advocacy.content import comments, editing, history, post_input, review, topics, variants
from advocacy.content.errors import ContentError, ReviewError
from advocacy.content.models import PostRevision
from advocacy.content.uploads import UploadError, check_image
from advocacy.db import utcnow
from advocacy.programme.service import get_programme
from advocacy.queue import service as queue
from tests import factories as f


def data_of(post, **changes):
    values = dict(
        title=post.title, link=post.link, kind=post.kind, status=post.status,
        starts_at=post.starts_at, ends_at=post.ends_at, deadline_at=post.deadline_at,
        place=post.place, event_at=post.event_at,
        topic_ids=[t.id for t in post.topics], unit_ids=[u.id for u in post.units],
        texts={v.network: v.text for v in post.variants if v.label == "A"},
        texts_b={v.network: v.text for v in post.variants if v.label == "B"},
        audience_titles=list(post.audience_titles),
        audience_languages=list(post.audience_languages),
    )
    values.update(changes)
    return post_input.PostData(**values)


def test_review_workflow_with_second_approval(db_session):
    author, other = f.user("curator"), f.user("curator")
    post = f.post(status="draft")
    now = utcnow()
    with pytest.raises(ReviewError):
        # must be sent for review
        review.approve_and_publish(post, author, now=now, require_second=True)
    review.submit_for_review(post, author, now=now)
    assert post.status == "in_review"
    with pytest.raises(ReviewError, match="Another curator"):
        review.approve_and_publish(post, author, now=now, require_second=True)
    review.return_to_draft(post, other, "Shorter X text, please", now=now)
    assert post.status == "draft"
    assert [c.body for c in comments.comments(post)] == ["Shorter X text, please"]
    review.submit_for_review(post, author, now=now)
    review.approve_and_publish(post, other, now=now, require_second=True)
    assert (post.status, post.approved_by_id) == ("live", other.id)
    review.archive(post, other, now=now)
    assert post.status == "archived"
    with pytest.raises(ReviewError):
        review.submit_for_review(post, other, now=now)
    actions = [r.action for r in reversed(history.history(post))]
    assert actions == ["created", "submitted", "returned", "submitted", "approved", "archived"]


def test_single_curator_may_publish_without_second_approval(db_session):
    author = f.user("curator")
    post = f.post(status="draft")
    review.approve_and_publish(post, author, now=utcnow(), require_second=False)
    assert post.status == "live"


def test_scheduled_is_shown_before_the_window_opens(db_session):
    now = utcnow()
    post = f.post(starts_at=now + timedelta(days=2))
    assert post.display_status(now) == "scheduled"
    assert post.display_status(now + timedelta(days=3)) == "live"


def test_editing_a_live_post_keeps_shares_text_and_is_in_the_history(db_session):
    curator, person = f.user("curator"), f.user()
    post = f.post(texts={"linkedin": "Old words"})
    share = f.share(person, post, text="My own words")
    editing.update_post(post, data_of(post, texts={"linkedin": "New words"},
                                      audience_languages=["nb"]),
                        now=utcnow(), by_user_id=curator.id)
    assert share.text == "My own words"
    assert share.variant_id == post.variant("linkedin").id
    latest = history.history(post)[0]
    assert latest.user_id == curator.id
    assert latest.changes["text_linkedin_A"] == ["Old words", "New words"]
    assert latest.changes["languages"] == [[], ["nb"]]


def test_kind_specific_fields_are_required(db_session):
    base = dict(title="T", link="https://a.example", texts={"x": "hi"})
    assert {"deadline_at", "place"} <= post_input.validate(
        post_input.PostData(kind="job", **base)).keys()
    assert "event_at" in post_input.validate(post_input.PostData(kind="event", **base))
    problems = post_input.validate(post_input.PostData(kind="news", texts_b={"x": "b"},
                                                       title="T", link="https://a.example"))
    assert "text_x_b" in problems


def test_ab_variants_split_people_and_count_shares_per_variant(db_session):
    post = f.post(texts={"x": "Text A"}, texts_b={"x": "Text B"})
    people = [f.user() for _ in range(4)]
    for person in people:
        f.share(person, post, network="x", text="mine")
    labels = {variants.variant_for(post, "x", p.id).label for p in people}
    assert labels == {"A", "B"}
    stats = {(r["variant"].label): r["shares"] for r in variants.variant_stats(post)
             if r["variant"].network == "x"}
    assert stats == {"A": 2, "B": 2}


def test_audience_by_profession_and_language(db_session):
    nurse_nb = f.user(title="Intensivsykepleier", locale="nb")
    nurse_en = f.user(title="Sykepleier", locale="en")
    cook = f.user(title="Kokk", locale="nb")
    unknown_language = f.user(title="sykepleier", locale=None)
    post = f.post(audience_titles=("sykepleier",), audience_languages=("nb",))
    now = utcnow()

    def sees(person):
        return post.id in [i.post.id for i in queue.rank(person, now).items]

    assert sees(nurse_nb)
    assert not sees(nurse_en)  # wrong language
    assert not sees(cook)  # wrong profession
    assert sees(unknown_language)  # no language chosen: not excluded
    assert queue.post_for_user(cook, post.id, now) is None


def test_audience_by_unit_reaches_sub_units_only(db_session):
    health = f.unit("Helse")
    ward = f.unit("Avdeling 3", parent=health)
    school = f.unit("Skole")
    f.post(units=(health,))
    now = utcnow()
    assert queue.rank(f.user(unit=ward), now).items
    assert not queue.rank(f.user(unit=school), now).items


def test_fatigue_cap_limits_new_posts_per_week_preferring_near_deadlines(db_session):
    get_programme().weekly_post_cap = 2
    now = utcnow()
    far = [f.post(f"far {i}", deadline_at=now + timedelta(days=40)) for i in range(3)]
    f.post("near", deadline_at=now + timedelta(days=2), now=now - timedelta(days=5))
    person = f.user()
    first = queue.show(person, now)
    titles = [i.post.title for i in first.items]
    assert len(titles) == 2 and "near" in titles
    # the same two stay visible; nothing new this week even after sharing one
    f.share(person, first.items[0].post)
    second = queue.show(person, now + timedelta(days=1))
    assert [i.post.id for i in second.items] == [first.items[1].post.id]
    # a week later there is room again
    later = queue.show(person, now + timedelta(days=8))
    assert len(later.items) == 2
    assert {i.post.id for i in later.items} <= {p.id for p in far}


def test_no_cap_means_the_page_size_rules(db_session):
    get_programme().weekly_post_cap = 0
    for _ in range(7):
        f.post()
    result = queue.rank(f.user(), utcnow(), limit=5)
    assert len(result.items) == 5 and result.waiting == 2


def test_topics_merge_moves_posts_and_followers_without_duplicates(db_session):
    a, b = f.topic("Sykepleie"), f.topic("Omsorg")
    both = f.post(topics=(a, b))
    only_a = f.post(topics=(a,))
    follower_a, follower_both = f.user(topics=(a,)), f.user(topics=(a, b))
    f.share(follower_a, only_a)
    topics.merge_topics(a, b)
    assert a.archived and a.merged_into_id == b.id
    assert {t.id for t in both.topics} == {b.id}
    assert {t.id for t in only_a.topics} == {b.id}
    assert {t.id for t in follower_a.topics} == {b.id}
    assert {t.id for t in follower_both.topics} == {b.id}
    stats = topics.topic_stats()[b.id]
    assert stats == {"followers": 2, "posts": 2, "shares": 1}
    with pytest.raises(ContentError):
        topics.merge_topics(b, b)
    with pytest.raises(ContentError):
        topics.set_topic_archived(a, False)


def test_topic_rename_refuses_duplicates(db_session):
    _a, b = f.topic("Jobb"), f.topic("Fritid")
    with pytest.raises(ContentError):
        topics.update_topic(b, "jobb", "")
    topics.update_topic(b, "Fritid og kultur", "Alt det andre")
    assert b.description == "Alt det andre"


def test_image_checks_use_the_bytes_not_the_name(db_session):
    assert check_image(f.PNG) == "png"
    assert check_image(b"\xff\xd8\xff\xe0" + b"0" * 100) == "jpg"
    with pytest.raises(UploadError, match="not a PNG"):
        check_image(b"<svg onload=alert(1)>")
    with pytest.raises(UploadError, match="5 MB"):
        check_image(f.PNG + b"0" * (5 * 1024 * 1024))


def test_revisions_store_json_diffs(db_session):
    post = f.post()
    revision = db_session.scalar(select(PostRevision).where(PostRevision.post_id == post.id))
    assert revision.action == "created" and revision.changes["title"] == [None, post.title]
