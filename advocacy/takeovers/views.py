"""The takeover rota: employees ask for a day, curators approve or decline."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.access import AMBASSADOR, CURATOR, roles_required
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.orgtime import org_tz
from advocacy.takeovers import service
from advocacy.takeovers.forms import DecisionForm, TakeoverForm
from advocacy.takeovers.models import Takeover
from advocacy.takeovers.service import TakeoverError

bp = Blueprint("takeovers", __name__)


def today():
    return datetime.now(org_tz()).date()


@bp.route("/takeovers", methods=["GET", "POST"])
@roles_required(AMBASSADOR)
def index():
    form = TakeoverForm()
    if form.validate_on_submit():
        with attempt(TakeoverError, form=form) as tried:
            service.request_takeover(current_user, account=form.account.data, day=form.day.data,
                                     plan=form.plan.data or "", today=today(), now=utcnow())
        if tried.ok:
            return saved(_("Your request is sent. A curator will answer it."),
                         url_for("takeovers.index"))
    return render_template(
        "takeovers/index.html", form=form, coming=service.coming(today(), current_user),
        past=service.past(today()),
    ), (400 if form.errors else 200)


@bp.get("/curate/takeovers")
@roles_required(CURATOR)
def manage():
    return render_template(
        "takeovers/manage.html", pending=service.pending(), coming=service.coming(today()),
        past=service.past(today()), form=DecisionForm(),
    )


def _decide(takeover_id: int, step, message: str, action: str):
    item = db.get_or_404(Takeover, takeover_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt(TakeoverError) as tried:
        step(item, form)
        audit.record(current_user.id, action, now=utcnow(), target_type="takeover",
                     target_id=item.id)
    if not tried.ok:
        return redirect(url_for("takeovers.manage"))
    return saved(message, url_for("takeovers.manage"))


@bp.post("/curate/takeovers/<int:takeover_id>/approve")
@roles_required(CURATOR)
def approve(takeover_id: int):
    return _decide(
        takeover_id,
        lambda t, f: service.approve(t, current_user, now=utcnow(), tz=org_tz()),
        _("The takeover is approved. The employee gets a reminder the day before."),
        "takeover.approve",
    )


@bp.post("/curate/takeovers/<int:takeover_id>/decline")
@roles_required(CURATOR)
def decline(takeover_id: int):
    return _decide(
        takeover_id,
        lambda t, f: service.decline(t, current_user, note=f.note.data or "", now=utcnow()),
        _("The request is declined."), "takeover.decline",
    )
