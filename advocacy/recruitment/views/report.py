"""The channel report: where applicants first saw a job, by year, on screen and as CSV."""

from __future__ import annotations

import json

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from advocacy.access import CURATOR, LEADER, roles_required
from advocacy.content.models import Post, PostKind
from advocacy.db import utcnow
from advocacy.errors import render_error
from advocacy.extensions import db
from advocacy.orgtime import org_tz
from advocacy.recruitment import report
from advocacy.recruitment.views import bp

MAX_YEARS = 10


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
