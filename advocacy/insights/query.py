"""The corps-health filter: a unit, a span of whole months (1 to 10 years, not in the
future) and a resolution (month, quarter or year), validated from the request's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from advocacy.activity.months import month_of, parse_month

RESOLUTIONS = {"month": 1, "quarter": 3, "year": 12}
MAX_YEARS = 10
EARLIEST_YEAR = 2000


class InsightsError(ValueError):
    """Bad filter input; the message is shown with status 400."""


@dataclass(frozen=True)
class Query:
    unit_id: int | None  # None: the whole organisation
    first_month: int
    last_month: int
    resolution: str

    @property
    def years(self) -> int:
        return max(1, -(-(self.last_month - self.first_month + 1) // 12))


def parse_query(args: dict[str, str], *, now: datetime, tz: ZoneInfo) -> Query:
    """Validate the filter: span of 1–10 years, not in the future, start before end."""
    current = month_of(now, tz)
    resolution = (args.get("resolution") or "quarter").strip()
    if resolution not in RESOLUTIONS:
        raise InsightsError(_l("Choose month, quarter or year."))
    unit_raw = (args.get("unit") or "").strip()
    unit_id = None
    if unit_raw:
        if not unit_raw.isdigit() or len(unit_raw) > 9:
            raise InsightsError(_l("Unknown unit."))
        unit_id = int(unit_raw)
    start_raw, end_raw = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    years_raw = (args.get("years") or "").strip()
    try:
        last = parse_month(end_raw) if end_raw else current
        if start_raw:
            first = parse_month(start_raw)
        else:
            years = int(years_raw) if years_raw else 5
            if not 1 <= years <= MAX_YEARS:
                raise InsightsError(_l("Choose a span of 1 to %(n)d years.", n=MAX_YEARS))
            first = last - years * 12 + 1
    except ValueError as exc:
        if isinstance(exc, InsightsError):
            raise
        raise InsightsError(_l("Write months as YYYY-MM, for example 2024-01.")) from exc
    if first > last:
        raise InsightsError(_l("The start month comes after the end month."))
    if last > current:
        raise InsightsError(_l("The end month lies in the future."))
    if first < EARLIEST_YEAR * 12:
        raise InsightsError(_l("Choose months from %(year)d onwards.", year=EARLIEST_YEAR))
    if last - first + 1 > MAX_YEARS * 12:
        raise InsightsError(_l("Choose a span of 1 to %(n)d years.", n=MAX_YEARS))
    return Query(unit_id, first, last, resolution)
