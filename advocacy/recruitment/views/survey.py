"""The survey "where did you first see this job?": its choice list (curators) and the
public page an applicant answers."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from advocacy import kv
from advocacy.access import CURATOR, roles_required
from advocacy.db import utcnow
from advocacy.errors import render_error
from advocacy.extensions import db
from advocacy.recruitment import service
from advocacy.recruitment.forms import ChoiceForm, SurveyForm
from advocacy.recruitment.models import SurveyChoice
from advocacy.recruitment.views import CHANNEL_LABELS, bp

# --- the survey's choice list -------------------------------------------------------------

def _choice_form(choice: SurveyChoice | None = None) -> ChoiceForm:
    form = ChoiceForm(obj=None)
    options = [(f"{service.EMPLOYEE_SHARE}:{n}", _("Employee shares on %(network)s",
                                                    network=n_label))
               for n, n_label in zip(service.NETWORKS, ("LinkedIn", "Facebook", "X",
                                                        "Instagram"), strict=True)]
    options += [(c, str(label)) for c, label in CHANNEL_LABELS.items()
                if c != service.EMPLOYEE_SHARE]
    form.channel.choices = options
    if choice is not None and request.method == "GET":
        form.label.data = service.choice_label(choice)
        form.channel.data = (f"{choice.channel}:{choice.network}" if choice.network
                             else choice.channel)
        form.position.data = choice.position
        form.active.data = choice.active
    return form


def _apply_choice(choice: SurveyChoice, form: ChoiceForm) -> None:
    channel, _sep, network = form.channel.data.partition(":")
    label = form.label.data.strip()
    # a built-in choice keeps its translations until a curator changes its words
    if choice.key in service.BUILTIN_LABELS and label == service.choice_label(choice):
        label = choice.label
    choice.label, choice.channel, choice.network = label, channel, network or None
    choice.position = form.position.data or 0
    choice.active = bool(form.active.data)


@bp.route("/recruitment/choices", methods=["GET", "POST"])
@roles_required(CURATOR)
def choices():
    form = _choice_form()
    if form.validate_on_submit():
        existing = {c.key for c in service.all_choices()}
        n = len(existing) + 1
        while f"custom{n}" in existing:
            n += 1
        choice = SurveyChoice(key=f"custom{n}", label="", channel="other")
        _apply_choice(choice, form)
        db.session.add(choice)
        db.session.commit()
        flash(_("The answer is added."), "success")
        return redirect(url_for("recruitment.choices"))
    return render_template("recruitment/choices.html", form=form,
                           choices=service.all_choices(), label=service.choice_label), (
        400 if form.errors else 200)


@bp.route("/recruitment/choices/<int:choice_id>", methods=["GET", "POST"])
@roles_required(CURATOR)
def choice(choice_id: int):
    item = db.get_or_404(SurveyChoice, choice_id)
    form = _choice_form(item)
    if form.validate_on_submit():
        _apply_choice(item, form)
        db.session.commit()
        flash(_("The answer is saved."), "success")
        return redirect(url_for("recruitment.choices"))
    return render_template("recruitment/choice.html", form=form, choice=item), (
        400 if form.errors else 200)


# --- public: where did you first see this job? --------------------------------------------

def _survey_limited() -> bool:
    address = request.remote_addr or ""
    seen = kv.hit("survey", address, 3600)
    return seen is not None and seen > current_app.config["SURVEY_MAX_PER_HOUR"]


@bp.route("/jobs/<reference>/source", methods=["GET", "POST"])
def survey(reference: str):
    lang = request.args.get("lang", "")
    if lang in current_app.config["LANGUAGES"] and session.get("locale") != lang:
        session["locale"] = lang
        from flask_babel import refresh

        refresh()
    if len(reference) > 100:
        abort(404)
    post = service.job_by_reference(reference)
    if post is None:
        abort(404)
    share_ref = (request.args.get("ref") or "")[:32] or None
    application_id = (request.args.get("application") or "")[:100] or None
    options = service.active_choices()
    form = SurveyForm()
    form.choice.choices = [(c.key, service.choice_label(c)) for c in options]
    if request.method == "POST":
        if _survey_limited():
            return render_error(429, _("Too many answers from here; please try again later."))
        if form.validate_on_submit():
            import secrets

            try:
                service.record_application(
                    job_reference=reference, share_reference=share_ref,
                    # without the ATS's id the answer still counts, as its own application
                    ats_application_id=(application_id or "").strip()
                    or f"survey-{secrets.token_hex(8)}",
                    source=None, answer=form.choice.data, outcome=None, now=utcnow(),
                    via=service.VIA_SURVEY,
                )
            except service.RecruitmentError as exc:
                db.session.rollback()
                return render_error(400, str(exc))
            db.session.commit()
            return render_template("recruitment/survey_thanks.html", post=post)
    status = 400 if form.errors else 200
    return render_template("recruitment/survey.html", form=form, post=post), status
