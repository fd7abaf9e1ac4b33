"""The corps-health page, its CSV exports and a named person's years (for leaders)."""

from __future__ import annotations

import html
import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

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


def table_body(table: service.Table, too_few: str, *, linked: bool = False) -> Markup:
    """A table's rows as HTML: one string built here, where Jinja cell by cell took a third
    of the page's time. Every text is escaped; a missing figure shows "–" with a reason."""
    keys = [key for key, _label in table.shown_columns()]
    blank = f'<td><span title="{html.escape(too_few)}">–</span></td>'
    out = []
    for row in table.rows:
        head = _cell_text(row.get(keys[0]))
        if linked and row.get("user_id"):
            url = html.escape(url_for("insights.person", user_id=row["user_id"]))
            head = f'<a href="{url}">{head}</a>'
        cells = "".join(blank if (value := row.get(key)) is None
                        else f"<td>{_cell_text(value)}</td>" for key in keys[1:])
        out.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return Markup("\n".join(out))  # nosec B704  every value in it went through html.escape


def _cell_text(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return html.escape(str(value))


@bp.get("/insights/health")
@roles_required(LEADER, CURATOR)
def health():
    result, error = _health()
    if error:
        return error
    charts = json.dumps({"charts": result.charts()}, ensure_ascii=False).replace("</", "<\\/")
    current = month_of(utcnow(), org_tz())
    too_few = _("Too few people to show")
    bodies = {table.key: table_body(table, too_few, linked=table.key == "named")
              for table in result.tables}
    return render_template(
        "insights/health.html", health=result, charts_json=charts, bodies=bodies,
        choices=service.scope_choices(current_user, result.units),
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
