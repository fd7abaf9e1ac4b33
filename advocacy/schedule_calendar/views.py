"""Month view for curators, with previous/next month links."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, render_template, request
from flask_babel import format_date

from advocacy.access import CURATOR, roles_required
from advocacy.db import utcnow
from advocacy.orgtime import org_tz
from advocacy.schedule_calendar import service

bp = Blueprint("schedule_calendar", __name__)


@bp.get("/curate/calendar")
@roles_required(CURATOR)
def month():
    tz = org_tz()
    today = datetime.now(tz).date()
    year, mon = service.parse_month(request.args.get("month"), today)
    grid = service.weeks(year, mon)
    prev_y, prev_m = service.shift(year, mon, -1)
    next_y, next_m = service.shift(year, mon, 1)
    weekdays = [format_date(day, "EEEE") for day in grid[0]]
    return render_template(
        "schedule_calendar/month.html",
        title=format_date(date(year, mon, 1), "LLLL y"),
        grid=grid, month=mon, today=today, weekdays=weekdays,
        entries=service.entries(year, mon, tz, utcnow()),
        prev=f"{prev_y:04d}-{prev_m:02d}", next=f"{next_y:04d}-{next_m:02d}",
    )
