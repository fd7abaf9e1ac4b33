"""Suggesting stories, and the curator's inbox: turn into a post (with credit) or decline."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy import decisions
from advocacy.accounts.models import User
from advocacy.content import alt_text
from advocacy.content.editing import create_post
from advocacy.content.history import record
from advocacy.content.models import Post, PostKind, PostStatus
from advocacy.content.post_input import PostData
from advocacy.extensions import db
from advocacy.stories.models import Story, StoryStatus

MAX_TEXT = 10000


class StoryError(ValueError):
    """Bad story input: field -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def suggest(author: User, *, title: str, text: str, photo_name: str | None, consent: bool,
            now: datetime, photo_alt: str = "") -> Story:
    errors: dict[str, str] = {}
    problem = alt_text.problem(photo_alt, has_image=bool(photo_name))
    if problem:
        errors["photo_alt"] = problem
    if not title.strip():
        errors["title"] = _l("A title is required.")
    elif len(title.strip()) > 200:
        errors["title"] = _l("Use at most %(n)d characters.", n=200)
    if not text.strip():
        errors["text"] = _l("Tell us the story.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _l("Use at most %(n)d characters.", n=MAX_TEXT)
    if photo_name and not consent:
        errors["consent"] = _l("Everyone in the photo must agree before we can use it.")
    if errors:
        raise StoryError(errors)
    story = Story(author_id=author.id, title=title.strip(), text=text.strip(),
                  photo_name=photo_name, consent=bool(consent and photo_name), created_at=now,
                  photo_alt=alt_text.clean(photo_alt) if photo_name else "")
    db.session.add(story)
    db.session.flush()
    return story


def inbox(status: str = StoryStatus.NEW) -> list[Story]:
    return list(db.session.scalars(
        select(Story).where(Story.status == status)
        .order_by(Story.created_at.desc(), Story.id.desc())
    ))


def mine(user: User) -> list[Story]:
    return list(db.session.scalars(
        select(Story).where(Story.author_id == user.id)
        .order_by(Story.created_at.desc(), Story.id.desc())
    ))


def _decided(story: Story) -> None:
    if story.status != StoryStatus.NEW:
        raise StoryError({"story": _l("This story has already been handled.")})


def accept(story: Story, curator: User, *, link: str, now: datetime) -> Post:
    """A draft post from the story, credited to its author; the curator finishes it."""
    _decided(story)
    post = create_post(
        PostData(title=story.title, link=link, kind=PostKind.STORY, status=PostStatus.DRAFT,
                 texts={"linkedin": story.text[:3000], "facebook": story.text[:5000]}),
        by_user_id=curator.id, now=now,
    )
    post.credit_user_id = story.author_id
    post.image_name = story.photo_name
    post.image_alt = story.photo_alt if story.photo_name else ""
    record(post, "updated", curator.id, now, {"story": [None, story.id]})
    story.post_id = post.id
    decisions.answer(story, curator, StoryStatus.ACCEPTED, now)
    return post


def decline(story: Story, curator: User, *, reason: str, now: datetime) -> Story:
    _decided(story)
    problem = decisions.note_problem(
        reason, required=_l("Tell the author why, so they can try again."))
    if problem:
        raise StoryError({"reason": problem})
    story.decline_reason = reason.strip()
    decisions.answer(story, curator, StoryStatus.DECLINED, now)
    return story
