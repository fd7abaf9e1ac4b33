"""The ambassador's own activity page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from advocacy.activity.personal import personal_activity, years_side_by_side
from advocacy.orgtime import org_tz

bp = Blueprint("activity", __name__)

# The kudos a person received and their shares of endorsed posts come from endorsements, a
# feature above activity; the app wires them in (`show_on_my_page`, advocacy/__init__.py).
_mine: dict[str, Callable[[int], Any]] = {}


def show_on_my_page(*, kudos: Callable[[int], Any], endorsed: Callable[[int], Any]) -> None:
    _mine.update(kudos=kudos, endorsed=endorsed)


@bp.get("/activity")
@login_required
def mine():
    years = personal_activity(current_user, org_tz())
    return render_template(
        "activity/mine.html", years=years, side_by_side=years_side_by_side(current_user.id),
        kudos=_mine["kudos"](current_user.id), endorsed=_mine["endorsed"](current_user.id),
    )
