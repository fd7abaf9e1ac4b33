"""Login, logout and the admin's lists of people and units (the accounts blueprint).

The settings page and the admin's editing of a person or a unit are routes of this
blueprint too, in advocacy/people/account_pages.py: they need topics, the people rules and
unit history, which sit above accounts (docs/architecture.md, Layers)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from advocacy import tasknames
from advocacy.access import ADMIN, roles_required
from advocacy.accounts import service, throttle
from advocacy.accounts.forms import UnitForm, UserForm
from advocacy.accounts.models import RoleName, Unit, User
from advocacy.accounts.service import AccountError
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.jobs import enqueue
from advocacy.pagination import paginate
from advocacy.security import safe_path

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a same-site path: see advocacy.security.safe_path (normalised, host-free)."""
    return safe_path(target)


def _locked_message(wait: int) -> str:
    return _(
        "Too many failed attempts. For your safety, logging in is paused for "
        "%(minutes)d minutes. You can also ask an administrator for help.",
        minutes=max(1, -(-wait // 60)),
    )


def _unavailable_message() -> str:
    return _(
        "Logging in is not possible right now: the protection against password guessing "
        "cannot be reached. Please try again in a few minutes, or tell an administrator."
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    from advocacy.accounts.forms import LoginForm

    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email_key = form.email.data.strip().lower()
        address = request.remote_addr or ""
        try:
            status = _attempt(form, email_key, address)
        except throttle.Unavailable:
            # Fail closed: without the limiter nobody is let in (and no password is checked).
            db.session.rollback()
            form.password.errors.append(_unavailable_message())
            status = 503
        if status == 302:
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
    if form.errors and status == 200:
        status = 400
    return render_template("accounts/login.html", form=form), status


def _attempt(form, email_key: str, address: str) -> int:
    """Check the lock, then the password; the HTTP status of the answer (302: logged in)."""
    wait = throttle.locked_for(email_key, address)
    if wait:
        # No password check while locked: the answer reveals nothing about the password.
        form.password.errors.append(_locked_message(wait))
        return 429
    user = service.find_user_by_email(form.email.data)
    if service.check_password(user, form.password.data) and user is not None and user.active:
        throttle.succeeded(email_key, address)
        login_user(user)
        db.session.commit()
        return 302
    failure = throttle.failed(email_key, address)
    if failure.account_locked and user is not None:
        # One warning per lock-out: only the failure that created the lock gets here.
        enqueue(tasknames.SEND_LOCKOUT_NOTICE, user.id, address, utcnow().isoformat())
        db.session.commit()
    if failure.locked:
        form.password.errors.append(_locked_message(current_app.config["LOGIN_LOCKOUT_SECONDS"]))
        return 429
    form.password.errors.append(_("E-mail or password is wrong."))
    return 400


@bp.route("/login/link", methods=["GET", "POST"])
def login_link_request():
    """"Forgot your password?": a one-time login link by e-mail. The answer is the same
    whether or not the address has an account; throttled like the password form."""
    from advocacy.accounts import login_links
    from advocacy.accounts.forms import LoginLinkForm

    form = LoginLinkForm()
    status, sent = 200, False
    if form.validate_on_submit():
        email_key = form.email.data.strip().lower()
        try:
            if not throttle.link_requested(email_key, request.remote_addr or ""):
                form.email.errors.append(_locked_message(
                    current_app.config["LOGIN_LOCKOUT_SECONDS"]))
                status = 429
            else:
                user = service.find_user_by_email(form.email.data)
                if user is not None and user.active and user.email:
                    token = login_links.create(user.id)
                    enqueue(tasknames.SEND_LOGIN_LINK, user.id, token)
                    db.session.commit()
                sent = True
        except (throttle.Unavailable, login_links.Unavailable):
            db.session.rollback()
            form.email.errors.append(_unavailable_message())
            status = 503
    elif form.errors:
        status = 400
    minutes = current_app.config["LOGIN_LINK_SECONDS"] // 60
    return render_template("accounts/login_link.html", form=form, sent=sent,
                           minutes=minutes), status


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def login_link(token: str):
    """The link from the e-mail: a button (GET changes nothing, so mail scanners that open
    links do not use it up); the POST logs the person in once."""
    from flask_wtf import FlaskForm

    from advocacy.accounts import login_links

    form = FlaskForm()
    try:
        if request.method == "POST" and form.validate_on_submit():
            user_id = login_links.use(token)
            user = db.session.get(User, user_id) if user_id else None
            if user is not None and user.active:
                logout_user()
                login_user(user)
                audit.record(user.id, "login.link", now=utcnow(), target_type="user",
                             target_id=user.id)
                db.session.commit()
                flash(_("You are logged in. Choose a new password under “Change password” "
                        "below."), "success")
                return redirect(url_for("accounts.settings"))
            valid = False
        else:
            valid = login_links.exists(token)
    except login_links.Unavailable:
        return render_template("accounts/login_link_use.html", form=form, valid=False,
                               unavailable=_unavailable_message()), 503
    return render_template("accounts/login_link_use.html", form=form, valid=valid,
                           unavailable=None), (200 if valid else 410)


@bp.post("/logout")
@login_required
def logout():
    # Ends the session for good: the generation in every cookie of this person is now stale,
    # so a copy of this cookie (or one on another device) no longer logs anyone in.
    service.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


def unit_choices(blank_label: str) -> list[tuple[int, str]]:
    return [(0, blank_label)] + [
        (unit.id, "\u2003" * depth + unit.name) for unit, depth in service.unit_tree()
    ]


@bp.get("/admin/users")
@roles_required(ADMIN)
def users():
    query = request.args.get("q", "").strip()
    stmt = select(User).order_by(func.lower(User.name))
    if query:
        stmt = stmt.where(service.user_search(query))
    page = paginate(stmt, request.args.get("page", 1), per_page=25)
    return render_template("accounts/users.html", page=page, query=query)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_user():
    form = UserForm()
    form.unit_id.choices = unit_choices(_("No unit"))
    form.led_unit_ids.choices = unit_choices("")[1:]
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        led = [db.session.get(Unit, uid) for uid in form.led_unit_ids.data or []]
        if RoleName.LEADER in form.roles.data and not (led or unit):
            form.led_unit_ids.errors.append(_("Choose the units this leader leads."))
        else:
            with attempt(AccountError, form=form, field="email") as tried:
                user = service.create_user(
                    email=form.email.data,
                    name=form.name.data,
                    title=form.title.data or "",
                    unit=unit,
                    locale=form.locale.data or None,
                    roles=form.roles.data or [],
                    led_units=[u for u in led if u is not None],
                    password=form.password.data or None,
                )
                audit.record(current_user.id, "user.create", now=utcnow(), target_type="user",
                             target_id=user.id, details={"roles": sorted(user.role_names)})
                enqueue(tasknames.SEND_WELCOME, user.id)  # sent once the commit succeeds
            if tried.ok:
                return saved(_("%(name)s is added.", name=user.name), url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form), (400 if form.errors else 200)


@bp.route("/admin/units", methods=["GET", "POST"])
@roles_required(ADMIN)
def units():
    form = UnitForm()
    form.parent_id.choices = unit_choices(_("Top level"))
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        if form.parent_id.data and parent is None:
            abort(400)
        with attempt(AccountError, form=form, field="name") as tried:
            unit = service.create_unit(form.name.data, parent)
            audit.record(current_user.id, "unit.create", now=utcnow(), target_type="unit",
                         target_id=unit.id)
        if tried.ok:
            return saved(_("The unit is added."), url_for("accounts.units"))
    counts = dict(
        db.session.execute(select(User.unit_id, func.count()).group_by(User.unit_id)).tuples().all()
    )
    return render_template(
        "accounts/units.html", form=form, tree=service.unit_tree(), counts=counts
    ), (400 if form.errors else 200)
