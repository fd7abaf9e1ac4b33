"""How jobs and applications come in: job feeds (read on a schedule or now) and the
CSV import of applications from the applicant tracking system."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy import jobs, tasknames
from advocacy.access import CURATOR, roles_required
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt, saved
from advocacy.recruitment import feeds, service
from advocacy.recruitment.forms import FeedForm, ImportForm
from advocacy.recruitment.models import JobFeed, JobFeedRun
from advocacy.recruitment.views import bp

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
    feed = db.get_or_404(JobFeed, feed_id)
    jobs.enqueue(tasknames.READ_FEED, feed.id)
    db.session.commit()
    flash(_("The feed will be read shortly."), "success")
    return redirect(url_for("recruitment.feed_list"))


@bp.post("/recruitment/feeds/<int:feed_id>/active")
@roles_required(CURATOR)
def feed_active(feed_id: int):
    feed = db.get_or_404(JobFeed, feed_id)
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
