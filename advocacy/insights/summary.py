"""One sentence per corps-health indicator, read from the table the page shows.

The sentence uses only figures that stand in the table's cells, as the table shows them:
a cell left out ("–", None) or folded to "<n" (a string) is never used, so a summary can
never reveal a figure the table withholds; a change on the year before is stated only
when the table itself shows it (a "…, change on last year, %" column) or when both rows
it compares are in the table with exact figures.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from advocacy.activity.health_tables import RETENTION_AFTER
from advocacy.folding import is_exact
from advocacy.formats import number, percent


def _exact(value: Any) -> bool:
    return (is_exact(value) or isinstance(value, float)) and not isinstance(value, bool)


def _change_sentence(kind: str, period: str, now: Any, change: float | None) -> str:
    """`kind` "active" or "shares"; `change` in per cent, None when not known."""
    values = {"period": period, "now": number(now)}
    if change is None:
        return (_("Active ambassadors in %(period)s: %(now)s.", **values) if kind == "active"
                else _("Shares in %(period)s: %(now)s.", **values))
    values["pct"] = percent(abs(change))
    if change > 0:
        return (_("Active ambassadors in %(period)s: %(now)s, %(pct)s more than a year "
                  "before.", **values) if kind == "active"
                else _("Shares in %(period)s: %(now)s, %(pct)s more than a year before.",
                       **values))
    if change < 0:
        return (_("Active ambassadors in %(period)s: %(now)s, %(pct)s fewer than a year "
                  "before.", **values) if kind == "active"
                else _("Shares in %(period)s: %(now)s, %(pct)s fewer than a year before.",
                       **values))
    return (_("Active ambassadors in %(period)s: %(now)s, as many as a year before.", **values)
            if kind == "active"
            else _("Shares in %(period)s: %(now)s, as many as a year before.", **values))


def _overview(rows: list[dict], lag: int) -> str | None:
    total = rows[-1]  # the "All" row
    if not (_exact(total.get("active_90")) and _exact(total.get("enrolled"))
            and _exact(total.get("active_share"))):
        return None
    return _("Active in the last 90 days: %(active)s of %(enrolled)s ambassadors (%(share)s).",
             active=number(total["active_90"]), enrolled=number(total["enrolled"]),
             share=percent(total["active_share"]))


def _people(rows: list[dict], lag: int) -> str | None:
    """The latest period whose count the table shows (the current one may be folded)."""
    at = next((i for i in range(len(rows) - 1, -1, -1) if _exact(rows[i].get("active"))), None)
    if at is None:
        return None
    last, change = rows[at], None
    if at >= lag:
        before = rows[at - lag].get("active")
        if _exact(before) and before:
            change = round((last["active"] - before) * 100.0 / before, 1)
    return _change_sentence("active", last["period"], last["active"], change)


def _activity(rows: list[dict], lag: int) -> str | None:
    last = rows[-1]
    change = last.get("shares_yoy")
    return _change_sentence("shares", last["period"], last.get("shares", 0),
                            change if _exact(change) else None)


def _retention(rows: list[dict], lag: int) -> str | None:
    for row in reversed(rows):
        for k in sorted(RETENTION_AFTER, reverse=True):
            if _exact(row.get(f"m{k}")):
                return _("Of those who joined in %(cohort)s, %(pct)s were still active after "
                         "%(n)d months.", cohort=row["cohort"], pct=percent(row[f"m{k}"]), n=k)
    return None


def _concentration(rows: list[dict], lag: int) -> str | None:
    for row in reversed(rows):
        if _exact(row.get("top_share")):
            return _("In %(period)s the most active tenth of the ambassadors made %(pct)s of "
                     "all shares.", period=row["period"], pct=percent(row["top_share"]))
    return None


def _leaders(rows: list[dict], lag: int) -> str | None:
    for row in reversed(rows):
        if _exact(row.get("leader_hours")) and _exact(row.get("other_hours")):
            return _("In %(period)s leaders shared %(leader)s hours after publication on "
                     "average, other ambassadors %(other)s hours.", period=row["period"],
                     leader=number(row["leader_hours"]), other=number(row["other_hours"]))
    return None


def _biggest(columns: list[tuple[str, Any]], rows: list[dict]) -> str | None:
    totals = {key: sum(row[key] for row in rows if _exact(row.get(key)))
              for key, _label in columns[1:]}
    total = sum(totals.values())
    if not total:
        return None
    key = max(totals, key=lambda k: (totals[k], k))
    return _("Most shares in the period shown: %(name)s, %(n)s of %(total)s.",
             name=str(dict(columns)[key]), n=number(totals[key]), total=number(total))


SUMMARIES = {"overview": _overview, "people": _people, "activity": _activity,
             "retention": _retention, "concentration": _concentration, "leaders": _leaders}


def summary(table: Any, lag: int) -> str | None:
    """The sentence for `table` (an insights.tables.Table); `lag`: periods in a year."""
    if not table.rows:
        return None
    if table.key in ("networks", "topics"):
        return _biggest(table.shown_columns(), table.rows)
    make = SUMMARIES.get(table.key)
    return make(table.rows, lag) if make else None
