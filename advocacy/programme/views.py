"""The programme's purpose and guidelines: curators edit, everyone reads."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advocacy.access import CURATOR, roles_required
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.programme.forms import ProgrammeForm
from advocacy.programme.service import get_programme, update_programme

bp = Blueprint("programme", __name__)

# Field names (never the texts) go into the audit log when they change.
AUDITED_FIELDS = ("name", "purpose", "guidelines_version", "require_second_approval",
                  "weekly_post_cap", "leaders_first_minutes", "warning_drop_percent")


@bp.get("/guidelines")
@login_required
def guidelines():
    return render_template("programme/guidelines.html", programme=get_programme())


@bp.route("/curate/programme", methods=["GET", "POST"])
@roles_required(CURATOR)
def edit():
    programme = get_programme()
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        before = {name: getattr(programme, name) for name in AUDITED_FIELDS}
        update_programme(
            name=form.name.data or "",
            purpose=form.purpose.data,
            guidelines=form.guidelines.data,
            by_user_id=current_user.id,
            require_second_approval=bool(form.require_second_approval.data),
            weekly_post_cap=form.weekly_post_cap.data or 0,
        )
        if form.leaders_first_minutes.data is not None:
            programme.leaders_first_minutes = form.leaders_first_minutes.data
        if form.warning_drop_percent.data is not None:
            programme.warning_drop_percent = form.warning_drop_percent.data
        audit.record(current_user.id, "programme.update", now=utcnow(), target_type="programme",
                     target_id=programme.id,
                     details={"changed": [name for name in AUDITED_FIELDS
                                          if getattr(programme, name) != before[name]]})
        db.session.commit()
        flash(_("The programme is saved."), "success")
        return redirect(url_for("programme.edit"))
    return render_template("programme/edit.html", form=form, programme=programme), (
        400 if form.errors else 200
    )
