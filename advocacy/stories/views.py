"""Ambassadors suggest stories; curators answer them in an inbox."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.access import AMBASSADOR, CURATOR, has_any_role, roles_required
from advocacy.audit import service as audit
from advocacy.content import alt_text
from advocacy.content.errors import ContentError
from advocacy.content.uploads import (
    CONTENT_TYPES,
    MAX_IMAGE_BYTES,
    UploadError,
    read_limited,
    save_image,
)
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.stories import service
from advocacy.stories.forms import AcceptForm, DeclineForm, StoryForm
from advocacy.stories.models import Story, StoryStatus
from advocacy.stories.service import StoryError

bp = Blueprint("stories", __name__)


@bp.route("/stories/new", methods=["GET", "POST"])
@roles_required(AMBASSADOR)
def suggest():
    form = StoryForm()
    if form.validate_on_submit():
        photo_name = None
        upload = form.photo.data
        chosen = bool(upload and getattr(upload, "filename", ""))
        alt_problem = alt_text.problem(form.photo_alt.data, has_image=chosen)
        if alt_problem:
            form.photo_alt.errors = [*form.photo_alt.errors, str(alt_problem)]
        elif chosen:
            data = read_limited(upload.stream, MAX_IMAGE_BYTES)
            if not form.consent.data:
                form.consent.errors = [
                    *form.consent.errors,
                    _("Everyone in the photo must agree before we can use it."),
                ]
            else:
                try:
                    photo_name = save_image(data, current_app.config["UPLOAD_DIR"])
                except UploadError as exc:
                    form.photo.errors = [*form.photo.errors, str(exc)]
        if not form.errors:
            with attempt(StoryError, form=form) as tried:
                service.suggest(current_user, title=form.title.data, text=form.text.data,
                                photo_name=photo_name, consent=bool(form.consent.data),
                                now=utcnow(), photo_alt=form.photo_alt.data or "")
            if tried.ok:
                return saved(_("Thank you! The curators will read your story."),
                             url_for("stories.mine"))
    # A browser cannot keep a chosen file across a new page, so say so by the photo field.
    sent_file = request.files.get("photo")
    photo_dropped = bool(form.errors and sent_file is not None and sent_file.filename)
    return render_template("stories/new.html", form=form, photo_dropped=photo_dropped), (
        400 if form.errors else 200)


@bp.get("/stories")
@roles_required(AMBASSADOR)
def mine():
    return render_template("stories/mine.html", stories=service.mine(current_user))


@bp.get("/stories/<int:story_id>/photo")
@roles_required(AMBASSADOR, CURATOR)
def photo(story_id: int):
    story = db.session.get(Story, story_id)
    if story is None or not story.photo_name:
        abort(404)
    if story.author_id != current_user.id and not has_any_role(current_user, (CURATOR,)):
        abort(404)
    ext = story.photo_name.rpartition(".")[2]
    return send_from_directory(current_app.config["UPLOAD_DIR"], story.photo_name,
                               mimetype=CONTENT_TYPES[ext])


@bp.get("/curate/stories")
@roles_required(CURATOR)
def inbox():
    return render_template("stories/inbox.html", new=service.inbox(),
                           done=service.inbox(StoryStatus.ACCEPTED)
                           + service.inbox(StoryStatus.DECLINED))


def _story(story_id: int) -> Story:
    return db.get_or_404(Story, story_id)


def _story_page(story: Story, accept: AcceptForm | None = None,
                decline: DeclineForm | None = None, status: int = 200):
    return render_template(
        "stories/story.html", story=story, accept=accept or AcceptForm(prefix="accept"),
        decline=decline or DeclineForm(prefix="decline"),
    ), status


@bp.get("/curate/stories/<int:story_id>")
@roles_required(CURATOR)
def story(story_id: int):
    return _story_page(_story(story_id))


@bp.post("/curate/stories/<int:story_id>/accept")
@roles_required(CURATOR)
def accept(story_id: int):
    item = _story(story_id)
    form = AcceptForm(prefix="accept")
    if form.validate_on_submit():
        with attempt((StoryError, ContentError), form=form, field="link") as tried:
            post = service.accept(item, current_user, link=form.link.data, now=utcnow())
            audit.record(current_user.id, "story.accept", now=utcnow(), target_type="story",
                         target_id=item.id, details={"post_id": post.id})
        if tried.ok:
            return saved(_("A draft post is made from the story. Finish it and send it for "
                           "review."), url_for("content.edit_post", post_id=post.id))
    return _story_page(item, accept=form, status=400)


@bp.post("/curate/stories/<int:story_id>/decline")
@roles_required(CURATOR)
def decline(story_id: int):
    item = _story(story_id)
    form = DeclineForm(prefix="decline")
    if form.validate_on_submit():
        with attempt(StoryError, form=form, field="reason") as tried:
            service.decline(item, current_user, reason=form.reason.data, now=utcnow())
            audit.record(current_user.id, "story.decline", now=utcnow(), target_type="story",
                         target_id=item.id)
        if tried.ok:
            return saved(_("The story is declined; the author sees your reason."),
                         url_for("stories.inbox"))
    return _story_page(item, decline=form, status=400)
