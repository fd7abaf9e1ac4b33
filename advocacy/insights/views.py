"""The corps-health page, its CSV exports and a named person's years (for leaders)."""

from __future__ import annotations

import html
import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from advocacy import formats
from advocacy.access import CURATOR, LEADER, roles_required
from advocacy.accounts.models import User
from advocacy.activity.months import month_key, month_of
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.errors import render_error
from advocacy.extensions import db
from advocacy.insights.health import PAGE_ROWS, Health, corps_health
from advocacy.insights.periods import yoy_lag
from advocacy.insights.person import PERSON_WHAT, person_page
from advocacy.insights.query import InsightsError, parse_query
from advocacy.insights.scope import (
    NotAllowed,
    NotFound,
    resolve_scope,
    scope_choices,
    sees_everything,
)
from advocacy.insights.summary import summary
from advocacy.insights.tables import Table, to_csv
from advocacy.orgtime import org_tz
from advocacy.privacy import visibility
from advocacy.privacy.access_log import record_list_access, record_personal_data_access

bp = Blueprint("insights", __name__)


def _health(rows: int | None = PAGE_ROWS):
    """Validated filter, authorised scope and the figures; or an error response."""
    now, tz = utcnow(), org_tz()
    try:
        query = parse_query(request.args, now=now, tz=tz)
    except InsightsError as exc:
        _refused(now, "period")
        return None, render_error(400, str(exc))
    try:
        unit = resolve_scope(current_user, query.unit_id)
    except NotAllowed:
        _refused(now, "unit", query.unit_id)
        abort(403)
    except NotFound:
        _refused(now, "unit", query.unit_id)
        abort(404)
    result = corps_health(current_user, unit, query, now=now, tz=tz, rows=rows)
    _log_looks(result, now)
    return result, None


def _refused(now, reason: str, target_id: int | None = None) -> None:
    """A guessed unit, period or person: the same answer as the menus give, and logged."""
    audit.record(current_user.id, "insights.refused", now=now, target_type=reason,
                 target_id=target_id if target_id is None or target_id < 2**31 else None,
                 details={"path": request.path[:200]})
    db.session.commit()


def _log_looks(result: Health, now) -> None:
    """Every named person the page or CSV showed: a look in that person's log."""
    for what, user_ids in result.looked_at.items():
        record_list_access(current_user, sorted(user_ids), what=what, now=now)
    db.session.commit()


def table_body(table: Table, too_few: str, *, linked: bool = False) -> Markup:
    """A table's rows as HTML: one string built here, where Jinja cell by cell took a third
    of the page's time. Every text is escaped; a missing figure shows "–" with a reason;
    numbers are written as the reader's locale writes them (52,5 in nb and da)."""
    number = formats.cell_formatter()
    keys = [key for key, _label in table.shown_columns()]
    blank = f'<td><span title="{html.escape(too_few)}">–</span></td>'
    out = []
    for row in table.rows:
        head = _cell_text(row.get(keys[0]), number)
        if linked and row.get("user_id"):
            url = html.escape(url_for("insights.person", user_id=row["user_id"]))
            head = f'<a href="{url}">{head}</a>'
        cells = "".join(blank if (value := row.get(key)) is None
                        else f"<td>{_cell_text(value, number)}</td>" for key in keys[1:])
        out.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return Markup("\n".join(out))  # nosec B704  every value in it went through html.escape


def _cell_text(value, number) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return html.escape(number(value))
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
    lag = yoy_lag(result.query.resolution)
    summaries = {table.key: summary(table, lag) for table in result.tables}
    return render_template(
        "insights/health.html", health=result, charts_json=charts, bodies=bodies,
        summaries=summaries,
        choices=scope_choices(current_user, result.units),
        sees_everything=sees_everything(current_user),
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
        body = to_csv(Table("none", _("Message"), [("message", _("Message"))], [
            {"message": _("Too few ambassadors here to show figures of their own: fewer than "
                          "%(n)d, or so few in part of the unit that they are counted with a "
                          "larger group. The unit above shows them.", n=result.min_group)}]))
        return Response("\ufeff" + body, mimetype="text/csv")
    table = result.table(request.args.get("table", ""))
    if table is None:
        return render_error(400, _("Unknown table."))
    scope = f"unit-{result.unit.id}" if result.unit else "organisation"
    name = f"{table.key}-{scope}-{month_key(result.first_month)}" \
           f"-{month_key(result.last_month)}.csv"
    return Response(
        "\ufeff" + to_csv(table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )


@bp.get("/insights/people/<int:user_id>")
@login_required
def person(user_id: int):
    return person_response(user_id)


def person_response(user_id: int):
    """One person's page, as the rule in `advocacy.privacy.visibility` allows; every look by someone
    else is logged for the person; a refusal looks the same whatever the reason."""
    now = utcnow()
    person = db.session.get(User, user_id) if user_id < 2**31 else None
    seen = visibility.person_visibility(current_user, person, now)
    if person is None or (not visibility.can_view_person(current_user, person, now)
                          and not seen.may(visibility.CHOICES)):
        _refused(now, "user", user_id)
        # Only administrators learn whether the person exists.
        abort(404 if person is None and current_user.has_role("admin") else 403)
    if seen.logged:
        record_personal_data_access(current_user, person, what=PERSON_WHAT, now=now)
        db.session.commit()
    return render_template("insights/person.html", person=person, seen=seen,
                           page=person_page(person, seen))

