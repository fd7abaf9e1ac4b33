"""The public accessibility statement and the admin's edit form."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.access import roles_required
from advocacy.accessibility import service
from advocacy.accessibility.forms import StatementForm
from advocacy.db import utcnow
from advocacy.formsave import attempt, saved
from advocacy.orgtime import org_tz

bp = Blueprint("accessibility", __name__)


@bp.get("/accessibility")
def statement():
    """Public, like the privacy notice: readers must find it without an account."""
    current = service.get_statement()
    today = utcnow().astimezone(org_tz()).date()
    return render_template(
        "accessibility/statement.html", statement=current,
        overdue=current is not None and service.review_overdue(current, today),
        conformance=service.CONFORMANCE, methods=service.METHODS,
        complaint=service.complaint_link(current) if current else None,
    )


@bp.route("/accessibility/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit():
    current = service.get_statement()
    form = StatementForm(obj=current)
    if current is not None and not form.is_submitted():
        form.deviations.data = service.deviations_text(current.deviations or [])
    if form.validate_on_submit():
        deviations, problems = service.parse_deviations(form.deviations.data or "")
        data = service.StatementData(
            organisation=form.organisation.data or "", url=form.url.data or "",
            scope=form.scope.data or "", conformance=form.conformance.data or "",
            deviations=deviations, method=form.method.data or "",
            feedback_email=form.feedback_email.data or "",
            feedback_phone=form.feedback_phone.data or "",
            authority=form.authority.data or "", complaint_url=form.complaint_url.data or "",
            official_url=form.official_url.data or "",
            statement_date=form.statement_date.data, reviewed_date=form.reviewed_date.data,
        )
        now = utcnow()
        with attempt(service.StatementError, form=form) as tried:
            if problems:
                raise service.StatementError({"deviations": problems})
            service.save_statement(data, by_user_id=current_user.id, now=now,
                                   today=now.astimezone(org_tz()).date())
        if tried.ok:
            return saved(_("The accessibility statement is saved."),
                         url_for("accessibility.statement"))
    status = 400 if form.is_submitted() else 200
    return render_template("accessibility/edit.html", form=form), status
