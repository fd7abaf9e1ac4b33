"""Reminder preferences, the signed links in reminders, and the curators' reminder pages."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from advocacy.access import AMBASSADOR, CURATOR, has_any_role, roles_required
from advocacy.accounts.models import User
from advocacy.audit.models import AuditEntry
from advocacy.content.networks import offer_for
from advocacy.db import utcnow
from advocacy.extensions import csrf, db
from advocacy.orgtime import org_tz
from advocacy.queue.service import post_for_user
from advocacy.reminders import preferences as reminder_prefs
from advocacy.reminders import report, tokens
from advocacy.reminders import settings as reminder_settings
from advocacy.reminders.forms import PreferencesForm, SettingsForm
from advocacy.reminders.models import Kind, Reminder

bp = Blueprint("reminders", __name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@bp.route("/settings/reminders", methods=["GET", "POST"])
@login_required
def preferences():
    pref = reminder_prefs.preference_for(current_user)
    form = PreferencesForm()
    if not form.is_submitted():
        form.frequency.data = pref.frequency
        form.email.data, form.chat.data = pref.email, pref.chat
        form.work_start.data, form.work_end.data = pref.work_start, pref.work_end
        form.work_days.data = [int(d) for d in pref.work_days]
        form.subscribed.data = [k.value for k in Kind if k.value not in pref.unsubscribed_kinds()]
    if form.validate_on_submit():
        reminder_prefs.save_preferences(
            current_user, frequency=form.frequency.data, email=form.email.data,
            chat=form.chat.data, work_start=form.work_start.data, work_end=form.work_end.data,
            work_days=form.work_days.data, subscribed=form.subscribed.data or [],
        )
        db.session.commit()
        flash(_("Your reminder choices are saved."), "success")
        return redirect(url_for("reminders.preferences"))
    return render_template(
        "reminders/preferences.html", form=form, timezone=org_tz().key,
        chat_available=bool(reminder_settings.read_settings().webhook_url),
    ), (400 if form.errors else 200)


@bp.get("/go/<token>")
def go(token: str):
    """One click from a reminder: log in once, then straight to the post's share page."""
    try:
        grant = tokens.redeem_login(token, utcnow())
    except tokens.TokenProblem as problem:
        db.session.rollback()
        messages = {
            "expired": _("This link has expired. Log in to see your queue."),
            "used": _("This link has already been used. Log in to continue."),
            "invalid": _("This link is not valid. Log in to see your queue."),
        }
        return render_template("reminders/link_problem.html",
                               message=messages[problem.reason]), 400
    login_user(grant.user)
    db.session.commit()
    if grant.post_id is not None and has_any_role(grant.user, (AMBASSADOR,)):
        # The reminder offered this post: it opens even if the reading languages changed
        # since, on the person's own first network (docs/networks.md).
        post = post_for_user(grant.user, grant.post_id, utcnow(), offered=True)
        network = offer_for(grant.user, post).first if post is not None else None
        if post is not None and network is not None:
            return redirect(url_for("sharing.compose", post_id=post.id, network=network))
    if has_any_role(grant.user, (AMBASSADOR,)):
        return redirect(url_for("queue.index"))
    return redirect(url_for("core.home"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authorisation; mail programs POST without a form
def unsubscribe(token: str):
    """RFC 8058 one-click: mail programs POST here; a browser gets a button that POSTs."""
    from flask import request

    try:
        user_id, kind = tokens.read_unsubscribe(token)
    except tokens.TokenProblem:
        return render_template(
            "reminders/link_problem.html",
            message=_("This unsubscribe link is not valid. You can change your reminders "
                      "in your settings after logging in."),
        ), 400
    labels = dict(_kind_labels())
    if kind not in labels:
        return render_template("reminders/link_problem.html",
                               message=_("This unsubscribe link is not valid.")), 400
    if request.method == "POST":
        if not reminder_prefs.unsubscribe(user_id, kind):
            return render_template("reminders/link_problem.html",
                                   message=_("This unsubscribe link is not valid.")), 400
        db.session.commit()
        return render_template("reminders/unsubscribed.html", kind_label=labels[kind])
    return render_template("reminders/unsubscribe.html", kind_label=labels[kind], token=token)


def _kind_labels():
    from advocacy.reminders.forms import kind_choices

    return [(value, str(label)) for value, label in kind_choices()]


@bp.get("/o/<token>.gif")
def opened(token: str):
    """The optional tracking image; it records only the first opening of one reminder."""
    reminder_id = tokens.read_open(token)
    if reminder_id is not None and reminder_settings.read_settings().tracking_pixel:
        reminder = db.session.get(Reminder, reminder_id)
        if reminder is not None and reminder.opened_at is None:
            reminder.opened_at = utcnow()
            db.session.commit()
    response = Response(PIXEL, mimetype="image/gif")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/curate/reminders")
@roles_required(CURATOR)
def admin():
    tz = org_tz()
    return render_template(
        "reminders/admin.html", report=report.report(utcnow(), tz),
        problems=report.problems(), labels=dict(_kind_labels()),
        settings=reminder_settings.read_settings(), tz=tz, mail_failures=_mail_failures(),
    )


def _mail_failures(limit: int = 50) -> list:
    """E-mail outside the reminder rows (the welcome e-mail) that failed for good:
    (entry, person or None), newest first."""
    from sqlalchemy import select


    rows = db.session.execute(
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.target_id)
        .where(AuditEntry.action == "mail.failed")
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    )
    return [tuple(row) for row in rows]


@bp.route("/curate/reminders/settings", methods=["GET", "POST"])
@roles_required(CURATOR)
def settings():
    current = reminder_settings.read_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        reminder_settings.save_settings(
            webhook_url=(form.webhook_url.data or "").strip(),
            webhook_kind=form.webhook_kind.data, reengage_weeks=form.reengage_weeks.data,
            unit_drop_percent=form.unit_drop_percent.data,
            tracking_pixel=form.tracking_pixel.data,
        )
        db.session.commit()
        flash(_("The reminder settings are saved."), "success")
        return redirect(url_for("reminders.settings"))
    return render_template("reminders/settings.html", form=form), (400 if form.errors else 200)
