"""Curators write, review and publish suggested posts, and look after topics."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from advocacy.access import CURATOR, roles_required
from advocacy.accounts.service import unit_tree
from advocacy.audit import service as audit
from advocacy.content import (
    alt_text,
    comments,
    editing,
    history,
    post_input,
    review,
    variants,
)
from advocacy.content.errors import ContentError, ReviewError
from advocacy.content.forms import (
    CommentForm,
    MergeForm,
    PostForm,
    ReturnForm,
    TopicForm,
    status_labels,
)
from advocacy.content.models import NETWORK_LIMITS, Network, Post, PostStatus, Topic
from advocacy.content.post_input import PostData
from advocacy.content.topics import (
    create_topic,
    list_topics,
    merge_topics,
    set_topic_archived,
    topic_stats,
    update_topic,
)
from advocacy.content.uploads import (
    CONTENT_TYPES,
    MAX_IMAGE_BYTES,
    UploadError,
    check_image,
    is_upload_name,
    read_limited,
    save_image,
)
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.orgtime import local_to_utc, utc_to_local
from advocacy.pagination import paginate
from advocacy.programme.service import get_programme

bp = Blueprint("content", __name__, url_prefix="/curate")
files = Blueprint("uploads", __name__)

STATUS_FILTERS = ("draft", "in_review", "scheduled", "live", "archived")


def upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def _post_form(post: Post | None) -> PostForm:
    form = PostForm()
    form.topic_ids.choices = [(t.id, t.name) for t in list_topics()]
    form.unit_ids.choices = [(u.id, "\u2003" * d + u.name) for u, d in unit_tree()]
    if post is not None and request.method == "GET":
        form.title.data = post.title
        form.link.data = post.link
        form.kind.data = post.kind
        form.starts_at.data = utc_to_local(post.starts_at)
        form.ends_at.data = utc_to_local(post.ends_at)
        form.deadline_at.data = utc_to_local(post.deadline_at)
        form.event_at.data = utc_to_local(post.event_at)
        form.place.data = post.place
        form.image_alt.data = post.image_alt
        form.job_reference.data = post.job_reference or ""
        form.topic_ids.data = [t.id for t in post.topics]
        form.unit_ids.data = [u.id for u in post.units]
        form.audience_titles.data = ", ".join(post.audience_titles or [])
        form.audience_languages.data = list(post.audience_languages or [])
        for network in Network:
            for variant in post.variants_for(network.value):
                name = f"text_{network.value}" + ("_b" if variant.label == "B" else "")
                form[name].data = variant.text
    return form


def _data(form: PostForm, status: str) -> PostData:
    return PostData(
        title=form.title.data or "",
        link=form.link.data or "",
        kind=form.kind.data,
        status=status,
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        deadline_at=local_to_utc(form.deadline_at.data),
        place=form.place.data or "",
        job_reference=form.job_reference.data or "",
        event_at=local_to_utc(form.event_at.data),
        topic_ids=list(form.topic_ids.data or []),
        unit_ids=list(form.unit_ids.data or []),
        audience_titles=post_input.split_list(form.audience_titles.data or ""),
        audience_languages=list(form.audience_languages.data or []),
        texts={n.value: form[f"text_{n.value}"].data or "" for n in Network},
        texts_b={n.value: form[f"text_{n.value}_b"].data or "" for n in Network},
    )


def _image_bytes(form: PostForm) -> bytes | None:
    upload = form.image.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = read_limited(upload.stream, MAX_IMAGE_BYTES)
    try:
        check_image(data)
    except UploadError as exc:
        form.image.errors = [*form.image.errors, str(exc)]
        return None
    return data


def _save(form: PostForm, post: Post | None):
    if not form.validate_on_submit():
        return None
    image = _image_bytes(form)
    if form.image.errors:
        return None
    has_image = image is not None or bool(post and post.image_name and not form.remove_image.data)
    alt_problem = alt_text.problem(form.image_alt.data, has_image=has_image)
    if alt_problem:
        form.image_alt.errors = [*form.image_alt.errors, str(alt_problem)]
        return None
    now = utcnow()
    action = "post.create" if post is None else "post.update"
    with attempt(ContentError, form=form) as tried:
        if post is None:
            post = editing.create_post(
                _data(form, PostStatus.DRAFT), by_user_id=current_user.id, now=now
            )
        else:
            editing.update_post(post, _data(form, post.status), now=now,
                                by_user_id=current_user.id)
        if image is not None:
            editing.set_image(post, save_image(image, upload_dir()),
                              by_user_id=current_user.id, now=now)
        elif form.remove_image.data:
            editing.set_image(post, None, by_user_id=current_user.id, now=now)
        editing.set_image_alt(post, form.image_alt.data if post.image_name else "",
                              by_user_id=current_user.id, now=now)
        if request.form.get("action") == "submit" and post.status == PostStatus.DRAFT:
            review.submit_for_review(post, current_user, now=now)
            audit.record(current_user.id, "post.submit", now=now, target_type="post",
                         target_id=post.id, details={"status": post.status})
        audit.record(current_user.id, action, now=utcnow(), target_type="post",
                     target_id=post.id, details={"status": post.status})
    if not tried.ok:
        return None
    return saved(_("The post is saved."), url_for("content.post", post_id=post.id))


def _editor(form: PostForm, post: Post | None):
    return render_template(
        "content/post_form.html", form=form, post=post, limits=NETWORK_LIMITS,
        networks=[n.value for n in Network],
    ), (400 if form.errors else 200)


@bp.get("/posts")
@roles_required(CURATOR)
def posts():
    status = request.args.get("status", "")
    now = utcnow()
    stmt = select(Post).order_by(Post.created_at.desc(), Post.id.desc())
    if status == "scheduled":
        stmt = stmt.where(Post.status == PostStatus.LIVE, Post.starts_at > now)
    elif status == "live":
        stmt = stmt.where(
            Post.status == PostStatus.LIVE, or_(Post.starts_at.is_(None), Post.starts_at <= now)
        )
    elif status in STATUS_FILTERS:
        stmt = stmt.where(Post.status == status)
    else:
        status = ""
    page = paginate(stmt, request.args.get("page", 1), per_page=20)
    return render_template("content/posts.html", page=page, status=status, now=now,
                           labels=status_labels(), filters=STATUS_FILTERS)


@bp.route("/posts/new", methods=["GET", "POST"])
@roles_required(CURATOR)
def new_post():
    form = _post_form(None)
    return _save(form, None) or _editor(form, None)



@bp.get("/posts/<int:post_id>")
@roles_required(CURATOR)
def post(post_id: int):
    item = db.get_or_404(Post, post_id)
    return _post_page(item)


def _post_page(item: Post, comment_form: CommentForm | None = None, status: int = 200):
    programme = get_programme()
    return render_template(
        "content/post.html",
        post=item,
        now=utcnow(),
        labels=status_labels(),
        limits=NETWORK_LIMITS,
        comments=comments.comments(item),
        history=history.history(item),
        stats=variants.variant_stats(item),
        comment_form=comment_form or CommentForm(),
        return_form=ReturnForm(),
        require_second=programme.require_second_approval,
    ), status


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@roles_required(CURATOR)
def edit_post(post_id: int):
    item = db.get_or_404(Post, post_id)
    form = _post_form(item)
    return _save(form, item) or _editor(form, item)


def _review_step(post_id: int, step, message: str, action: str):
    item = db.get_or_404(Post, post_id)
    with attempt(ReviewError) as tried:
        step(item)
        audit.record(current_user.id, action, now=utcnow(), target_type="post",
                     target_id=item.id, details={"status": item.status})
    if not tried.ok:
        return _post_page(item, status=409)
    return saved(message, url_for("content.post", post_id=item.id))


@bp.post("/posts/<int:post_id>/submit")
@roles_required(CURATOR)
def submit(post_id: int):
    return _review_step(
        post_id, lambda p: review.submit_for_review(p, current_user, now=utcnow()),
        _("The post is sent for review."), "post.submit",
    )


@bp.post("/posts/<int:post_id>/approve")
@roles_required(CURATOR)
def approve(post_id: int):
    require_second = get_programme().require_second_approval
    return _review_step(
        post_id,
        lambda p: review.approve_and_publish(p, current_user, now=utcnow(),
                                             require_second=require_second),
        _("The post is approved and published."), "post.approve",
    )


@bp.post("/posts/<int:post_id>/return")
@roles_required(CURATOR)
def return_post(post_id: int):
    form = ReturnForm()
    if not form.validate_on_submit():
        abort(400)
    return _review_step(
        post_id,
        lambda p: review.return_to_draft(p, current_user, form.reason.data or "", now=utcnow()),
        _("The post is sent back to draft."), "post.return",
    )


@bp.post("/posts/<int:post_id>/archive")
@roles_required(CURATOR)
def archive(post_id: int):
    return _review_step(
        post_id, lambda p: review.archive(p, current_user, now=utcnow()),
        _("The post is archived."), "post.archive",
    )


@bp.post("/posts/<int:post_id>/reopen")
@roles_required(CURATOR)
def reopen(post_id: int):
    return _review_step(
        post_id, lambda p: review.reopen(p, current_user, now=utcnow()),
        _("The post is a draft again."), "post.reopen",
    )


@bp.post("/posts/<int:post_id>/comments")
@roles_required(CURATOR)
def comment(post_id: int):
    item = db.get_or_404(Post, post_id)
    form = CommentForm()
    if form.validate_on_submit():
        with attempt(ContentError, form=form, field="body") as tried:
            comment = comments.add_comment(item, current_user, form.body.data, now=utcnow())
            audit.record(current_user.id, "post.comment", now=utcnow(), target_type="post",
                         target_id=item.id, details={"comment_id": comment.id})
        if tried.ok:
            return saved(_("Your comment is added."),
                         url_for("content.post", post_id=item.id) + "#comments")
    return _post_page(item, comment_form=form, status=400)


# --- topics


def _topics_page(form: TopicForm, status: int = 200):
    topics = list_topics(include_archived=True)
    return render_template(
        "content/topics.html", form=form, topics=topics, stats=topic_stats()
    ), status


@bp.route("/topics", methods=["GET", "POST"])
@roles_required(CURATOR)
def topics():
    form = TopicForm()
    if form.validate_on_submit():
        with attempt(ContentError, form=form) as tried:
            topic = create_topic(form.name.data, form.description.data or "")
            audit.record(current_user.id, "topic.create", now=utcnow(), target_type="topic",
                         target_id=topic.id)
        if tried.ok:
            return saved(_("The topic is added."), url_for("content.topics"))
    return _topics_page(form, 400 if form.errors else 200)


def _get_topic(topic_id: int) -> Topic:
    return db.get_or_404(Topic, topic_id)


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@roles_required(CURATOR)
def topic(topic_id: int):
    item = _get_topic(topic_id)
    form = TopicForm(obj=item)
    merge = MergeForm(prefix="merge")
    merge.target_id.choices = [(t.id, t.name) for t in list_topics() if t.id != item.id]
    if form.validate_on_submit():
        with attempt(ContentError, form=form) as tried:
            update_topic(item, form.name.data, form.description.data or "")
            audit.record(current_user.id, "topic.update", now=utcnow(), target_type="topic",
                         target_id=item.id)
        if tried.ok:
            return saved(_("The topic is saved."), url_for("content.topics"))
    stats = topic_stats().get(item.id, {"followers": 0, "posts": 0, "shares": 0})
    return render_template(
        "content/topic.html", topic=item, form=form, merge=merge, stats=stats
    ), (400 if form.errors else 200)


@bp.post("/topics/<int:topic_id>/archive")
@roles_required(CURATOR)
def archive_topic(topic_id: int):
    item = _get_topic(topic_id)
    archived = request.form.get("archived", "1") == "1"
    with attempt(ContentError) as tried:
        set_topic_archived(item, archived)
        audit.record(current_user.id, "topic.archive" if archived else "topic.restore",
                     now=utcnow(), target_type="topic", target_id=item.id)
    if not tried.ok:
        return redirect(url_for("content.topic", topic_id=item.id))
    return saved(_("The topic is archived.") if archived else _("The topic is back in use."),
                 url_for("content.topics"))


@bp.post("/topics/<int:topic_id>/merge")
@roles_required(CURATOR)
def merge_topic(topic_id: int):
    item = _get_topic(topic_id)
    merge = MergeForm(prefix="merge")
    merge.target_id.choices = [(t.id, t.name) for t in list_topics() if t.id != item.id]
    if not merge.validate_on_submit():
        flash(_("Choose the topic to merge into."), "error")
        return redirect(url_for("content.topic", topic_id=item.id))
    target = _get_topic(merge.target_id.data)
    with attempt(ContentError) as tried:
        merge_topics(item, target)
        audit.record(current_user.id, "topic.merge", now=utcnow(), target_type="topic",
                     target_id=topic_id, details={"into": target.id})
    if not tried.ok:
        return redirect(url_for("content.topic", topic_id=topic_id))
    return saved(_("“%(source)s” is merged into “%(target)s”.", source=item.name,
                   target=target.name), url_for("content.topics"))


# --- uploaded images, for logged-in people only


@files.get("/uploads/<name>")
@login_required
def upload(name: str):
    if not is_upload_name(name):
        abort(404)
    ext = name.rpartition(".")[2]
    response = send_from_directory(upload_dir(), name, mimetype=CONTENT_TYPES[ext])
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
