"""Leaders endorse posts and give kudos; curators ask leaders to endorse."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy.access import CURATOR, LEADER, roles_required
from advocacy.accounts.models import User
from advocacy.audit import service as audit
from advocacy.content.models import Post, PostStatus
from advocacy.db import utcnow
from advocacy.endorsements import notices, service
from advocacy.endorsements.forms import EndorseForm, KudosForm, RequestForm
from advocacy.endorsements.models import Endorsement
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.pagination import paginate

bp = Blueprint("endorsements", __name__)


def _endorse_page(form: EndorseForm | None = None, failed_post_id: int | None = None):
    page = paginate(
        select(Post).where(Post.status == PostStatus.LIVE).order_by(Post.published_at.desc()),
        request.args.get("page", 1), per_page=20,
    )
    mine = {
        e.post_id: e for e in db.session.scalars(
            select(Endorsement).where(Endorsement.leader_id == current_user.id,
                                      Endorsement.withdrawn_at.is_(None))
        )
    }
    return render_template(
        "endorsements/index.html", page=page, mine=mine,
        requests=service.open_requests(current_user), form=form or EndorseForm(),
        failed_post_id=failed_post_id,
    )


@bp.get("/endorse")
@roles_required(LEADER)
def index():
    return _endorse_page()



@bp.post("/endorse/<int:post_id>")
@roles_required(LEADER)
def endorse(post_id: int):
    post = db.get_or_404(Post, post_id)
    form = EndorseForm()
    if form.validate_on_submit():
        with attempt(service.EndorsementError, form=form, field="note") as tried:
            service.endorse(current_user, post, form.note.data or "", utcnow())
        if tried.ok:
            return saved(_("You endorse “%(title)s”.", title=post.title),
                         url_for("endorsements.index"))
    return _endorse_page(form, post.id), 400


@bp.post("/endorse/<int:post_id>/withdraw")
@roles_required(LEADER)
def withdraw(post_id: int):
    post = db.get_or_404(Post, post_id)
    if service.withdraw(current_user, post, utcnow()):
        db.session.commit()
        flash(_("Your endorsement of “%(title)s” is withdrawn.", title=post.title), "info")
    return redirect(url_for("endorsements.index"))


@bp.route("/curate/posts/<int:post_id>/endorsements", methods=["GET", "POST"])
@roles_required(CURATOR)
def post_endorsements(post_id: int):
    post = db.get_or_404(Post, post_id)
    form = RequestForm()
    form.leader_id.choices = [(u.id, u.name) for u in service.leaders()]
    if form.validate_on_submit():
        leader = db.session.get_one(User, form.leader_id.data)
        with attempt(service.EndorsementError, form=form, field="leader_id") as tried:
            request_row = service.request_endorsement(post, leader, by=current_user,
                                                      note=form.note.data or "", now=utcnow())
            notices.request_notice(request_row, utcnow())
            audit.record(current_user.id, "endorsement.request", now=utcnow(),
                         target_type="post", target_id=post.id,
                         details={"leader_id": leader.id})
        if tried.ok:
            return saved(_("%(name)s is asked to endorse this post.", name=leader.name),
                         url_for("endorsements.post_endorsements", post_id=post.id))
    endorsements = service.active_endorsements([post.id]).get(post.id, [])
    return render_template(
        "endorsements/post.html", post=post, form=form, endorsements=endorsements,
    ), (400 if form.errors else 200)


@bp.route("/kudos", methods=["GET", "POST"])
@roles_required(LEADER)
def kudos():
    form = KudosForm()
    people = service.led_people_ids(current_user) - {current_user.id}
    choices: Iterable[User] = db.session.scalars(
        select(User).where(User.id.in_(people), User.active.is_(True)).order_by(User.name)
    ) if people else []
    form.recipient_id.choices = [(u.id, u.name) for u in choices]
    if form.validate_on_submit():
        recipient = db.session.get_one(User, form.recipient_id.data)
        with attempt(service.EndorsementError, form=form, field="message") as tried:
            kudos_row = service.give_kudos(current_user, recipient, form.message.data, utcnow())
            notices.kudos_notice(kudos_row, utcnow())
        if tried.ok:
            return saved(_("Your kudos to %(name)s is sent.", name=recipient.name),
                         url_for("endorsements.kudos"))
    return render_template(
        "endorsements/kudos.html", form=form, sent=service.kudos_sent_by(current_user.id),
    ), (400 if form.errors else 200)
