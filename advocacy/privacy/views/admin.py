"""Administrators: erasing a person, the privacy settings, the per-person switch; and the
leaders' address of a person's page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy import tasknames
from advocacy.access import ADMIN, LEADER, roles_required
from advocacy.accounts.models import User
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.jobs import enqueue
from advocacy.orgtime import org_tz
from advocacy.privacy.erasure import erase_person
from advocacy.privacy.forms import EmptyForm, PersonViewForm, SettingsForm
from advocacy.privacy.person_view import (
    earliest_effective,
    person_view_active,
    switch_person_view_off,
    switch_person_view_on,
)
from advocacy.privacy.settings import (
    PrivacyError,
    get_settings,
    legal_basis_warning,
    update_settings,
)
from advocacy.privacy.views import PERSON_PAGE, bp, status_of
from advocacy.programme.service import get_programme


@bp.post("/admin/people/<int:user_id>/erase")
@roles_required(ADMIN)
def admin_erase(user_id: int):
    person = db.get_or_404(User, user_id)
    form = EmptyForm()
    if not form.validate_on_submit() or request.form.get("confirm") != "erase":
        flash(_("Tick the box to confirm the erasure."), "error")
        return redirect(url_for("accounts.users")), 303
    if person.id == current_user.id:
        flash(_("Erase your own account from your privacy page."), "error")
        return redirect(url_for("accounts.users")), 303
    erase_person(person, reason="admin", actor_id=current_user.id, now=utcnow())
    db.session.commit()
    flash(_("The person is erased. Totals are kept."), "success")
    return redirect(url_for("accounts.users"))


# --- admin settings and the per-person switch ------------------------------------------------


@bp.route("/admin/privacy", methods=["GET", "POST"])
@roles_required(ADMIN)
def settings():
    current = get_settings()
    programme = get_programme()
    form = SettingsForm(obj=current)
    if request.method == "GET":
        form.retention_days.data = programme.retention_days
        form.min_group_size.data = programme.min_group_size
    if form.validate_on_submit():
        with attempt(PrivacyError, form=form) as tried:
            update_settings(
                controller_name=form.controller_name.data or "",
                controller_contact=form.controller_contact.data or "",
                dpo_contact=form.dpo_contact.data or "",
                legal_basis=form.legal_basis.data,
                public_authority=bool(form.public_authority.data),
                audit_retention_days=form.audit_retention_days.data,
                erase_after_days=form.erase_after_days.data,
                retention_days=form.retention_days.data,
                min_group_size=form.min_group_size.data,
                by_user_id=current_user.id, now=utcnow(),
            )
        if tried.ok:
            db.session.commit()
            warning = legal_basis_warning(current.legal_basis, current.public_authority)
            flash(warning or _("The privacy settings are saved."),
                  "error" if warning else "success")
            return redirect(url_for("privacy.settings"))
    warning = legal_basis_warning(current.legal_basis, current.public_authority)
    return render_template("privacy/settings.html", form=form, warning=warning), status_of(form)


def _local_midnight(day) -> datetime:
    """The effective date starts at midnight in the organisation's time zone."""
    return datetime.combine(day, time.min, tzinfo=org_tz()).astimezone(UTC)


@bp.route("/admin/privacy/person-view", methods=["GET", "POST"])
@roles_required(ADMIN)
def person_view():
    current = get_settings()
    now = utcnow()
    form = PersonViewForm()
    off_form = EmptyForm(prefix="off")
    if request.method == "GET":
        earliest = earliest_effective(now).astimezone(org_tz()).date() + timedelta(days=1)
        form.effective_on.data = earliest
    if request.method == "POST" and request.form.get("action") == "off":
        if not off_form.validate_on_submit():
            abort(400)
        switch_person_view_off(by_user_id=current_user.id, now=now)
        db.session.commit()
        flash(_("Named per-person views are switched off."), "success")
        return redirect(url_for("privacy.person_view"))
    if form.validate_on_submit():
        # The service names the moment (effective_at); the form asks for the day.
        with attempt(PrivacyError, form=form, field="effective_on") as tried:
            switch_person_view_on(
                purpose=form.purpose.data or "", consulted_on=form.consulted_on.data,
                dpia_reference=form.dpia_reference.data or "",
                effective_at=_local_midnight(form.effective_on.data),
                by_user_id=current_user.id, now=now,
            )
            enqueue(tasknames.SEND_NOTICES)  # sent once the commit succeeds
        if tried.ok:
            return saved(_("Named per-person views are scheduled. Everyone is told now."),
                         url_for("privacy.person_view"))
    return render_template(
        "privacy/person_view.html", form=form, off_form=off_form, settings=current,
        active=person_view_active(now), min_group=get_programme().min_group_size,
    ), status_of(form)


# --- the minimal leader per-person page ------------------------------------------------------


@bp.get("/leader/people/<int:user_id>")
@roles_required(LEADER)
def leader_person(user_id: int):
    """The leaders' address for a person's page: the same page and the same rule."""
    return PERSON_PAGE["response"](user_id)
