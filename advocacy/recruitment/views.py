"""Recruitment pages: the channel report, job feeds, the CSV import, the survey's choices,
and the public "where did you first see this job?" page."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from advocacy import jobs, kv, tasknames
from advocacy.access import CURATOR, LEADER, roles_required
from advocacy.audit import service as audit
from advocacy.content.models import Post, PostKind
from advocacy.db import utcnow
from advocacy.errors import render_error
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.orgtime import org_tz
from advocacy.recruitment import feeds, report, service
from advocacy.recruitment.forms import ChoiceForm, FeedForm, ImportForm, SurveyForm
from advocacy.recruitment.models import JobFeed, JobFeedRun, SurveyChoice

bp = Blueprint("recruitment", __name__)

MAX_YEARS = 10
CHANNEL_LABELS = {
    service.EMPLOYEE_SHARE: _l("Employee shares"),
    service.OWN_PAGES: _l("Our own pages"),
    service.JOB_BOARD: _l("Job boards"),
    service.PRINT: _l("Print"),
    service.WORD_OF_MOUTH: _l("Word of mouth"),
    service.OTHER: _l("Other"),
}


@bp.app_context_processor
def _credit():
    """My activity (activity/) shows the credit without importing upwards."""
    return {"recruitment_credit": lambda user_id: service.credit_by_year(user_id, org_tz())}


def _chart_json(charts: list[dict]) -> str:
    return json.dumps({"charts": charts}, ensure_ascii=False).replace("</", "<\\/")


def _years() -> int:
    raw = (request.args.get("years") or "").strip()
    if not raw:
        return 5
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_YEARS:
        raise ValueError(_("Choose a span of 1 to %(n)d years.", n=MAX_YEARS))
    return int(raw)


def _job() -> Post | None:
    raw = (request.args.get("job") or "").strip()
    if not raw:
        return None
    post = db.session.get(Post, int(raw)) if raw.isdigit() else None
    if post is None or post.kind != PostKind.JOB:
        abort(404)
    return post


@bp.get("/recruitment")
@roles_required(CURATOR, LEADER)
def channels():
    try:
        years = _years()
    except ValueError as exc:
        return render_error(400, str(exc))
    now, tz = utcnow(), org_tz()
    job = _job()
    job_report = report.job_report(job, now) if job else None
    yearly = report.yearly(years, now, tz)
    charts = [report.chart(yearly, "channels-years")]
    if job_report:
        charts.insert(0, report.chart([job_report], "channels-job"))
    return render_template(
        "recruitment/channels.html", job=job, job_report=job_report, yearly=yearly,
        years=years, columns=report.COLUMNS, jobs=report.job_posts(),
        charts_json=_chart_json(charts),
    )


@bp.get("/recruitment/channels.csv")
@roles_required(CURATOR, LEADER)
def channels_csv():
    try:
        years = _years()
    except ValueError as exc:
        return render_error(400, str(exc))
    job = _job()
    if job:
        reports, name = [report.job_report(job, utcnow())], f"channels-job-{job.id}.csv"
    else:
        reports, name = report.yearly(years, utcnow(), org_tz()), f"channels-{years}-years.csv"
    return Response("\ufeff" + report.report_csv(reports), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# --- job feeds ----------------------------------------------------------------------------

@bp.route("/recruitment/feeds", methods=["GET", "POST"])
@roles_required(CURATOR)
def feed_list():
    form = FeedForm()
    if form.validate_on_submit():
        try:
            feed = feeds.add_feed(form.url.data, form.name.data or "",
                                  by_user_id=current_user.id, now=utcnow())
        except feeds.FeedError as exc:
            form.url.errors = [*form.url.errors, str(exc)]
        else:
            jobs.enqueue(tasknames.READ_FEED, feed.id)
            db.session.commit()
            flash(_("The feed is added and will be read shortly."), "success")
            return redirect(url_for("recruitment.feed_list"))
    all_feeds = list(db.session.scalars(select(JobFeed).order_by(JobFeed.id)))
    runs = {feed.id: list(db.session.scalars(
        select(JobFeedRun).where(JobFeedRun.feed_id == feed.id)
        .order_by(JobFeedRun.id.desc()).limit(5))) for feed in all_feeds}
    return render_template("recruitment/feeds.html", form=form, feeds=all_feeds, runs=runs), (
        400 if form.errors else 200)


@bp.post("/recruitment/feeds/<int:feed_id>/read")
@roles_required(CURATOR)
def feed_read(feed_id: int):
    feed = db.session.get(JobFeed, feed_id) or abort(404)
    jobs.enqueue(tasknames.READ_FEED, feed.id)
    db.session.commit()
    flash(_("The feed will be read shortly."), "success")
    return redirect(url_for("recruitment.feed_list"))


@bp.post("/recruitment/feeds/<int:feed_id>/active")
@roles_required(CURATOR)
def feed_active(feed_id: int):
    feed = db.session.get(JobFeed, feed_id) or abort(404)
    feed.active = not feed.active
    db.session.commit()
    flash(_("The feed is read again.") if feed.active else _("The feed is no longer read."),
          "success")
    return redirect(url_for("recruitment.feed_list"))


# --- CSV import ---------------------------------------------------------------------------

@bp.route("/recruitment/import", methods=["GET", "POST"])
@roles_required(CURATOR)
def import_applications():
    form = ImportForm()
    problems: list[service.CsvProblem] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, _("Choose a file.")]
        else:
            data = upload.stream.read(service.MAX_CSV_BYTES + 1)
            with attempt(service.CsvImportError, form=form, field="file") as tried:
                count = service.import_csv(data, now=utcnow())
                audit.record(current_user.id, "applications.import", now=utcnow(),
                             details={"rows": count})
            if tried.ok:
                return saved(_("%(n)d applications imported.", n=count),
                             url_for("recruitment.import_applications"))
            if isinstance(tried.error, service.CsvImportError):
                problems = tried.error.problems
    if form.errors:
        status = 400
    return render_template("recruitment/import.html", form=form, problems=problems,
                           sources=service.SOURCES, outcomes=service.OUTCOMES), status


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
    item = db.session.get(SurveyChoice, choice_id) or abort(404)
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
