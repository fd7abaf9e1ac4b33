"""My own choices and data: taking part or not, being named, my export, my erasure."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from advocacy import tasknames
from advocacy.accounts.models import User
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.jobs import enqueue
from advocacy.privacy.erasure import erase_person
from advocacy.privacy.exports import (
    ExportLinkError,
    export_token,
    mark_downloaded,
    redeem_export,
    request_export,
)
from advocacy.privacy.forms import EmptyForm, EraseForm, NamedForm
from advocacy.privacy.models import DataExport, ExportStatus
from advocacy.privacy.participation import join, leave, set_named
from advocacy.privacy.settings import get_settings
from advocacy.privacy.views import bp, status_of
from advocacy.security import tokens_equal


@bp.route("/privacy/participation", methods=["GET", "POST"])
@login_required
def participation():
    named_form = NamedForm(prefix="named")
    button = EmptyForm()
    if request.method == "POST":
        action = request.form.get("action", "")
        now = utcnow()
        if action == "join" and button.validate_on_submit():
            join(current_user, now)
            db.session.commit()
            flash(_("Welcome to the programme. You can leave at any time."), "success")
            return redirect(url_for("privacy.participation"))
        if action == "leave" and button.validate_on_submit():
            leave(current_user, now)
            db.session.commit()
            flash(_("You have left the programme. Leaders no longer see you, and your personal "
                    "data will be erased after %(days)d days unless you join again.",
                    days=get_settings().erase_after_days), "info")
            return redirect(url_for("privacy.participation"))
        if action == "named" and named_form.validate_on_submit():
            set_named(current_user, named_form.named.data)
            db.session.commit()
            flash(_("Your choice is saved."), "success")
            return redirect(url_for("privacy.participation"))
        flash(_("Choose one of the buttons."), "error")
        return render_template("privacy/participation.html", form=button,
                               named_form=named_form), 400
    named_form.named.data = current_user.named_opt_in
    return render_template("privacy/participation.html", form=button, named_form=named_form)


# --- export ---------------------------------------------------------------------------------


@bp.route("/privacy/export", methods=["GET", "POST"])
@login_required
def export():
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        record = request_export(current_user, utcnow())
        enqueue(tasknames.BUILD_EXPORT, record.id)  # sent once the commit succeeds
        db.session.commit()
        flash(_("Your export is being prepared. Come back to this page in a few minutes."),
              "info")
        return redirect(url_for("privacy.export"))
    exports = list(db.session.scalars(
        select(DataExport).where(DataExport.user_id == current_user.id)
        .order_by(DataExport.requested_at.desc(), DataExport.id.desc())
    ))
    secret = current_app.config["SECRET_KEY"]
    links = {e.id: export_token(e, secret) for e in exports
             if e.status == ExportStatus.READY}
    return render_template("privacy/export.html", form=form, exports=exports, links=links)


LINK_ERRORS = {
    "invalid": (400, _l("This download link is not valid. Ask for a new export.")),
    "expired": (410, _l("This download link has expired. Ask for a new export.")),
    "used": (410, _l("This download link has already been used. Each export can be "
                     "downloaded once; ask for a new one.")),
    # someone else's link: the same answer as a made-up one
    "foreign": (404, _l("This download link is not valid. Ask for a new export.")),
}


@bp.get("/privacy/export/<token>")
@login_required
def download(token: str):
    now = utcnow()
    try:
        record = redeem_export(
            token[:500], current_user, secret=current_app.config["SECRET_KEY"],
            max_age=current_app.config["EXPORT_LINK_MAX_AGE"], now=now,
        )
    except ExportLinkError as exc:
        db.session.rollback()
        code, message = LINK_ERRORS[exc.kind]
        return render_template("privacy/link_error.html", message=str(message)), code
    content = mark_downloaded(record, now)
    db.session.commit()
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="advocacy-export-{record.id}.zip"',
        "Cache-Control": "no-store",
    })


# --- erasure --------------------------------------------------------------------------------


@bp.route("/privacy/erase", methods=["GET", "POST"])
@login_required
def erase_me():
    form = EraseForm()
    if form.validate_on_submit():
        typed = (form.email.data or "").strip().lower()
        if not tokens_equal(typed, current_user.email.lower()):
            form.email.errors.append(_("This is not your e-mail address."))
        else:
            person = db.session.get_one(User, current_user.id)
            logout_user()
            erase_person(person, reason="request", actor_id=None, now=utcnow())
            db.session.commit()
            flash(_("Everything personal about you is erased. Thank you for taking part."),
                  "info")
            return redirect(url_for("accounts.login"))
    return render_template("privacy/erase.html", form=form), status_of(form)
