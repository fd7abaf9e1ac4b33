"""Curators write suggested posts and topics (the minimum that feeds the queue)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy.access import CURATOR, roles_required
from advocacy.accounts.service import unit_tree
from advocacy.audit import service as audit
from advocacy.content import service
from advocacy.content.forms import PostForm, TopicForm
from advocacy.content.models import NETWORK_LIMITS, Network, Post
from advocacy.content.service import ContentError, PostData
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.forms import local_to_utc, utc_to_local
from advocacy.pagination import paginate

bp = Blueprint("content", __name__, url_prefix="/curate")


def _post_form(post: Post | None) -> PostForm:
    form = PostForm(obj=None)
    form.topic_ids.choices = [(t.id, t.name) for t in service.list_topics()]
    form.unit_ids.choices = [(u.id, "\u2003" * d + u.name) for u, d in unit_tree()]
    if post is not None and request.method == "GET":
        form.title.data = post.title
        form.link.data = post.link
        form.kind.data = post.kind
        form.status.data = post.status
        form.starts_at.data = utc_to_local(post.starts_at)
        form.ends_at.data = utc_to_local(post.ends_at)
        form.topic_ids.data = [t.id for t in post.topics]
        form.unit_ids.data = [u.id for u in post.units]
        for network in Network:
            variant = post.variant(network.value)
            getattr(form, f"text_{network.value}").data = variant.text if variant else ""
    return form


def _data(form: PostForm) -> PostData:
    return PostData(
        title=form.title.data or "",
        link=form.link.data or "",
        kind=form.kind.data,
        status=form.status.data,
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        topic_ids=list(form.topic_ids.data or []),
        unit_ids=list(form.unit_ids.data or []),
        texts={n.value: getattr(form, f"text_{n.value}").data or "" for n in Network},
    )


def _save(form: PostForm, post: Post | None):
    if not form.validate_on_submit():
        return None
    action = "post.create" if post is None else "post.update"
    try:
        if post is None:
            post = service.create_post(_data(form), by_user_id=current_user.id, now=utcnow())
        else:
            service.update_post(post, _data(form), now=utcnow())
    except ContentError as exc:
        db.session.rollback()
        for field, message in exc.errors.items():
            getattr(form, field).errors.append(str(message))
        return None
    audit.record(current_user.id, action, now=utcnow(), target_type="post", target_id=post.id,
                 details={"status": post.status})
    db.session.commit()
    flash(_("The post is saved."), "success")
    return redirect(url_for("content.posts"))


@bp.get("/posts")
@roles_required(CURATOR)
def posts():
    status = request.args.get("status", "")
    stmt = select(Post).order_by(Post.created_at.desc(), Post.id.desc())
    if status in {"draft", "live", "archived"}:
        stmt = stmt.where(Post.status == status)
    page = paginate(stmt, request.args.get("page", 1), per_page=20)
    return render_template("content/posts.html", page=page, status=status)


@bp.route("/posts/new", methods=["GET", "POST"])
@roles_required(CURATOR)
def new_post():
    form = _post_form(None)
    return _save(form, None) or (
        render_template("content/post_form.html", form=form, post=None, limits=NETWORK_LIMITS),
        400 if form.errors else 200,
    )


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@roles_required(CURATOR)
def edit_post(post_id: int):
    post = db.session.get(Post, post_id) or abort(404)
    form = _post_form(post)
    return _save(form, post) or (
        render_template("content/post_form.html", form=form, post=post, limits=NETWORK_LIMITS),
        400 if form.errors else 200,
    )


@bp.route("/topics", methods=["GET", "POST"])
@roles_required(CURATOR)
def topics():
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = service.create_topic(form.name.data, form.description.data or "")
        except ContentError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc.errors["name"]))
        else:
            audit.record(current_user.id, "topic.create", now=utcnow(), target_type="topic",
                         target_id=topic.id)
            db.session.commit()
            flash(_("The topic is added."), "success")
            return redirect(url_for("content.topics"))
    return render_template("content/topics.html", form=form, topics=service.list_topics()), (
        400 if form.errors else 200
    )
