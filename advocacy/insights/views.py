"""The corps-health page, its CSV exports and a named person's years (for leaders)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advocacy.access import CURATOR, LEADER, roles_required
from advocacy.accounts.models import User
from advocacy.activity.service import month_key, month_of, years_side_by_side
from advocacy.db import utcnow
from advocacy.endorsements.service import endorsed_shares, kudos_for
from advocacy.errors import render_error
from advocacy.extensions import db
from advocacy.forms import org_tz
from advocacy.insights import service

bp = Blueprint("insights", __name__)


def _health(rows: int | None = service.PAGE_ROWS):
    """Validated filter, authorised scope and the figures; or an error response."""
    now, tz = utcnow(), org_tz()
    try:
        query = service.parse_query(request.args, now=now, tz=tz)
    except service.InsightsError as exc:
        return None, render_error(400, str(exc))
    try:
        unit = service.resolve_scope(current_user, query.unit_id)
    except service.NotAllowed:
        abort(403)
    except service.NotFound:
        abort(404)
    return service.corps_health(current_user, unit, query, now=now, tz=tz, rows=rows), None


@bp.get("/insights/health")
@roles_required(LEADER, CURATOR)
def health():
    result, error = _health()
    if error:
        return error
    charts = json.dumps({"charts": result.charts()}, ensure_ascii=False).replace("</", "<\\/")
    current = month_of(utcnow(), org_tz())
    return render_template(
        "insights/health.html", health=result, charts_json=charts,
        choices=service.scope_choices(current_user),
        sees_everything=service.sees_everything(current_user),
        from_key=month_key(result.first_month), to_key=month_key(result.last_month),
        current_key=month_key(current), args=request.args,
    )


@bp.get("/insights/health.csv")
@roles_required(LEADER, CURATOR)
def health_csv():
    result, error = _health(rows=None)
    if error:
        return error
    if not result.enough_people:
        body = service.to_csv(service.Table("none", _("Message"), [("message", _("Message"))], [
            {"message": _("There are fewer than %(n)d ambassadors here, so no figures are "
                          "shown.", n=result.min_group)}]))
        return Response("\ufeff" + body, mimetype="text/csv")
    table = result.table(request.args.get("table", ""))
    if table is None:
        return render_error(400, _("Unknown table."))
    scope = f"unit-{result.unit.id}" if result.unit else "organisation"
    name = f"{table.key}-{scope}-{month_key(result.first_month)}" \
           f"-{month_key(result.last_month)}.csv"
    return Response(
        "\ufeff" + service.to_csv(table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )


@bp.get("/insights/people/<int:user_id>")
@login_required
def person(user_id: int):
    person = db.session.get(User, user_id)
    if not service.may_see_person(current_user, person):
        # Only administrators learn whether the person exists.
        abort(404 if person is None and current_user.has_role("admin") else 403)
    return render_template(
        "insights/person.html", person=person, years=years_side_by_side(person.id),
        kudos=kudos_for(person.id), endorsed=endorsed_shares(person.id),
    )
