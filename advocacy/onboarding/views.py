"""The three onboarding steps, and a gentle prompt when the guidelines change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.access import AMBASSADOR, roles_required
from advocacy.accounts.reading import default_for, reading_languages
from advocacy.content.topics import list_topics
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.onboarding import service
from advocacy.onboarding.forms import GuidelinesForm, InterestsForm
from advocacy.programme.service import get_programme

bp = Blueprint("onboarding", __name__, url_prefix="/welcome")


@bp.app_context_processor
def _prompt():
    """Ambassadors who have not accepted the current guidelines see a prompt on every page."""
    if not (current_user and current_user.is_authenticated
            and current_user.has_role(AMBASSADOR)) or request.blueprint == "onboarding":
        return {"guidelines_prompt": False}
    version = get_programme().guidelines_version
    return {"guidelines_prompt": service.needs_guidelines(current_user, version)}


@bp.get("")
@roles_required(AMBASSADOR)
def start():
    return render_template("onboarding/start.html", programme=get_programme())


@bp.route("/guidelines", methods=["GET", "POST"])
@roles_required(AMBASSADOR)
def guidelines():
    programme = get_programme()
    form = GuidelinesForm()
    if form.validate_on_submit():
        service.accept_guidelines(current_user, programme.guidelines_version, now=utcnow())
        db.session.commit()
        if service.profile(current_user) is not None:
            flash(_("Thank you. You accepted the new guidelines."), "success")
            return redirect(url_for("queue.index"))
        return redirect(url_for("onboarding.interests"))
    accepted = service.accepted_version(current_user)
    return render_template(
        "onboarding/guidelines.html", form=form, programme=programme, accepted=accepted
    ), (400 if form.errors else 200)


@bp.route("/interests", methods=["GET", "POST"])
@roles_required(AMBASSADOR)
def interests():
    form = InterestsForm()
    form.topic_ids.choices = [(t.id, t.name) for t in list_topics()]
    existing = service.profile(current_user)
    if request.method == "GET":
        form.topic_ids.data = [t.id for t in current_user.topics]
        form.networks.data = list(existing.networks) if existing else []
        form.no_job_networks.data = list(existing.no_job_networks or []) if existing else []
        # First use: a person who never chose reading languages starts from the interface's.
        form.reading_languages.data = (reading_languages(current_user)
                                       or default_for(str(get_locale())) or [])
    if form.validate_on_submit():
        widened = service.save_interests(
            current_user, list(form.topic_ids.data or []), list(form.networks.data or []),
            now=utcnow(), no_job_networks=list(form.no_job_networks.data or []),
            languages=list(form.reading_languages.data or []),
        )
        db.session.commit()
        if widened:
            flash(_("Nothing is waiting on those topics right now, so you see everything "
                    "meant for your unit. Change your topics any time in Settings."), "info")
        else:
            flash(_("Welcome aboard! Here is what you can share."), "success")
        return redirect(url_for("queue.index"))
    return render_template("onboarding/interests.html", form=form), (400 if form.errors else 200)
