"""Privacy pages: participation, transparency, notice, export, erasure, admin switch, leader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from advocacy import tasknames
from advocacy.access import ADMIN, LEADER, roles_required
from advocacy.accounts.models import User
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.jobs import enqueue
from advocacy.orgtime import org_tz
from advocacy.privacy import transparency
from advocacy.privacy.access_log import ACCESS_REASONS, ACCESS_WHAT, accesses_for
from advocacy.privacy.erasure import erase_person
from advocacy.privacy.exports import (
    ExportLinkError,
    export_token,
    mark_downloaded,
    redeem_export,
    request_export,
)
from advocacy.privacy.forms import EmptyForm, EraseForm, NamedForm, PersonViewForm, SettingsForm
from advocacy.privacy.models import DataExport, ExportStatus
from advocacy.privacy.notices import mark_notice_seen, unseen_notices
from advocacy.privacy.participation import join, leave, set_named
from advocacy.privacy.person_view import (
    earliest_effective,
    person_view_active,
    switch_person_view_off,
    switch_person_view_on,
)
from advocacy.privacy.settings import (
    LEGAL_BASES,
    PrivacyError,
    get_settings,
    legal_basis_warning,
    update_settings,
)
from advocacy.privacy.transparency import KIND_LABELS, KIND_ORDER, leaders_of
from advocacy.programme.service import get_programme
from advocacy.security import tokens_equal

bp = Blueprint("privacy", __name__)

# A person's page is drawn by insights (a layer above privacy, docs/architecture.md); the app
# wires it in (`show_person_page`, advocacy/__init__.py), so "what my leader sees" shows the
# very page and privacy imports none of insights: "page" (person, seen) -> the page's data,
# "response" (user_id) -> the answer.
_person_page: dict[str, Callable[..., Any]] = {}


def show_person_page(*, page: Callable[..., Any], response: Callable[[int], Any]) -> None:
    _person_page.update(page=page, response=response)


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.app_context_processor
def _privacy_banner():
    """Unread privacy notices, shown as a banner on every page until marked as read."""
    if not current_user or not current_user.is_authenticated:
        return {"privacy_notices": []}
    try:
        return {"privacy_notices": unseen_notices(current_user)}
    except SQLAlchemyError:  # an error page must still render when the database is down
        db.session.rollback()
        return {"privacy_notices": []}


# --- transparency ---------------------------------------------------------------------------


@bp.get("/privacy")
@login_required
def overview():
    return render_template(
        "privacy/overview.html", settings=get_settings(), programme=get_programme(),
        legal_basis=LEGAL_BASES.get(get_settings().legal_basis),
    )


@bp.get("/privacy/notice")
def notice():
    """GDPR art. 13: generated from the programme's settings; public, readable before joining."""
    settings = get_settings()
    return render_template(
        "privacy/notice.html", settings=settings, programme=get_programme(),
        legal_basis=LEGAL_BASES.get(settings.legal_basis),
        warning=legal_basis_warning(settings.legal_basis, settings.public_authority),
    )


@bp.get("/privacy/leader-view")
@login_required
def leader_view():
    """What leaders, curators and administrators see about me: the rule of
    advocacy/privacy/visibility.py asked about each of them, and the very page they would get."""
    person_page = _person_page["page"]
    now = utcnow()
    person = current_user._get_current_object()
    audiences = []
    for key, seen in transparency.audiences(person, now):
        audiences.append({"key": key, "seen": seen, "page": person_page(person, seen),
                          "kinds": [KIND_LABELS[k] for k in KIND_ORDER
                                    if seen.may(k)],
                          "reasons": [ACCESS_REASONS[r] for r in seen.reasons
                                      if r in ACCESS_REASONS]})
    return render_template(
        "privacy/leader_view.html", settings=get_settings(),
        active=person_view_active(now), leaders=leaders_of(person),
        person=person, participant=person.is_participant, programme=get_programme(),
        audiences=audiences,
    )


@bp.get("/privacy/access-log")
@login_required
def access_log():
    return render_template("privacy/access_log.html",
                           accesses=accesses_for(current_user),
                           labels=ACCESS_WHAT)


@bp.post("/privacy/notices/<int:notice_id>/seen")
@login_required
def notice_seen(notice_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not mark_notice_seen(current_user, notice_id, utcnow()):
        abort(404)
    db.session.commit()
    return redirect(url_for("privacy.leader_view"))


# --- participation --------------------------------------------------------------------------


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
    return render_template("privacy/erase.html", form=form), _status(form)


@bp.post("/admin/people/<int:user_id>/erase")
@roles_required(ADMIN)
def admin_erase(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
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
    return render_template("privacy/settings.html", form=form, warning=warning), _status(form)


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
    ), _status(form)


# --- the minimal leader per-person page ------------------------------------------------------


@bp.get("/leader/people/<int:user_id>")
@roles_required(LEADER)
def leader_person(user_id: int):
    """The leaders' address for a person's page: the same page and the same rule."""
    return _person_page["response"](user_id)
