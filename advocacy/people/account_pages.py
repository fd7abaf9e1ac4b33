"""The pages of the accounts blueprint that need more than accounts: a person's settings
(the topics they follow) and the admin's editing of a person or a unit (the people rules,
unit history). Their addresses and endpoint names are those of the accounts blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from advocacy.access import ADMIN, roles_required
from advocacy.accounts import service
from advocacy.accounts.forms import PasswordForm, SettingsForm, UnitEditForm, UserEditForm
from advocacy.accounts.models import Unit, User
from advocacy.accounts.reading import reading_languages, set_reading_languages
from advocacy.accounts.service import AccountError
from advocacy.accounts.views import bp, unit_choices
from advocacy.audit import service as audit
from advocacy.content.topics import list_topics
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.people import editing
from advocacy.people.service import set_active


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=None)
    topics = list_topics()
    form.topic_ids.choices = [(t.id, t.name) for t in topics]
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
        form.reading_languages.data = reading_languages(current_user)
        form.topic_ids.data = [t.id for t in current_user.topics]
        form.named_opt_in.data = current_user.named_opt_in
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        # Apart from the interface language: changing that hides no post (docs/i18n.md).
        set_reading_languages(current_user, form.reading_languages.data or [])
        current_user.named_opt_in = bool(form.named_opt_in.data)
        chosen = set(form.topic_ids.data or [])
        current_user.topics = [t for t in topics if t.id in chosen]
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template(
        "accounts/settings.html", form=form, password_form=PasswordForm(prefix="pw")
    ), (400 if form.errors else 200)


@bp.post("/settings/password")
@login_required
def change_password():
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not service.check_password(current_user, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            service.set_password(current_user, form.new.data)
            db.session.commit()
            # The session version changed: log in again in this browser only.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.settings"))
    settings_form = SettingsForm()
    settings_form.topic_ids.choices = [(t.id, t.name) for t in list_topics()]
    settings_form.locale.data = current_user.locale or ""
    settings_form.reading_languages.data = reading_languages(current_user)
    settings_form.topic_ids.data = [t.id for t in current_user.topics]
    settings_form.named_opt_in.data = current_user.named_opt_in
    return render_template(
        "accounts/settings.html", form=settings_form, password_form=form
    ), 400


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_user(user_id: int):
    """Change a person's name, e-mail, unit, job title, language and roles."""
    person = db.get_or_404(User, user_id)
    form = UserEditForm()
    form.unit_id.choices = unit_choices(_("No unit"))
    form.led_unit_ids.choices = unit_choices("")[1:]
    if request.method == "GET":
        form.email.data, form.name.data, form.title.data = person.email, person.name, person.title
        form.unit_id.data = person.unit_id or 0
        form.locale.data = person.locale or ""
        form.roles.data = sorted(person.role_names)
        form.led_unit_ids.data = sorted(person.led_unit_ids)
    elif form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        led = [db.session.get(Unit, uid) for uid in form.led_unit_ids.data or []]
        change = editing.PersonChange(
            email=form.email.data, name=form.name.data, title=form.title.data or "",
            unit=unit, locale=form.locale.data or None, roles=frozenset(form.roles.data or []),
            led_units=tuple(u for u in led if u is not None))
        with attempt(AccountError, form=form, field="email") as tried:
            changed = editing.update_person(person, change, by=current_user, now=utcnow())
            if changed:
                details = {"changed": changed}
                if "roles" in changed:
                    details["roles"] = sorted(person.role_names)
                audit.record(current_user.id, "user.update", now=utcnow(), target_type="user",
                             target_id=person.id, details=details)
        if tried.ok:
            return saved(_("The changes to %(name)s are saved.", name=person.name) if changed
                         else _("Nothing was changed."),
                         url_for("accounts.edit_user", user_id=person.id))
    return render_template("accounts/user_edit.html", form=form, person=person,
                           is_self=person.id == current_user.id), (400 if form.errors else 200)


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(ADMIN)
def set_user_active(user_id: int):
    """Deactivate (the person left) or reactivate; history is kept either way."""
    person = db.get_or_404(User, user_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    active = wanted == "1"
    if person.active != active:
        with attempt(ValueError) as tried:
            set_active(person, active, by=current_user, now=utcnow())
            audit.record(current_user.id, "user.reactivate" if active else "user.deactivate",
                         now=utcnow(), target_type="user", target_id=person.id)
        if not tried.ok:
            return redirect(url_for("accounts.edit_user", user_id=person.id))
        db.session.commit()
    flash(_("%(name)s is active again.", name=person.name) if active
          else _("%(name)s is deactivated; their history is kept.", name=person.name),
          "success")
    return redirect(url_for("accounts.edit_user", user_id=person.id))


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_unit(unit_id: int):
    """Rename a unit or move it in the tree; never under itself or its own sub-units."""
    unit = db.get_or_404(Unit, unit_id)
    below = service.descendant_ids([unit.id])
    form = UnitEditForm()
    form.parent_id.choices = [c for c in unit_choices(_("Top level")) if c[0] not in below]
    if request.method == "GET":
        form.name.data = unit.name
        form.parent_id.data = unit.parent_id or 0
    elif form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        if form.parent_id.data and parent is None:
            form.parent_id.errors.append(_("Choose a unit from the list."))
        else:
            with attempt(AccountError, form=form, field="name") as tried:
                changed = editing.update_unit(unit, name=form.name.data, parent=parent)
                if changed:
                    audit.record(current_user.id, "unit.update", now=utcnow(),
                                 target_type="unit", target_id=unit.id,
                                 details={"changed": changed})
            if tried.ok:
                return saved(_("The unit is saved.") if changed else _("Nothing was changed."),
                             url_for("accounts.units"))
    return render_template("accounts/unit_edit.html", form=form, unit=unit), \
        (400 if form.errors else 200)
