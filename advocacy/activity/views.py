"""The ambassador's own activity page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from advocacy.activity.service import personal_activity, years_side_by_side
from advocacy.endorsements.service import endorsed_shares, kudos_for
from advocacy.orgtime import org_tz

bp = Blueprint("activity", __name__)


@bp.get("/activity")
@login_required
def mine():
    years = personal_activity(current_user, org_tz())
    return render_template(
        "activity/mine.html", years=years, side_by_side=years_side_by_side(current_user.id),
        kudos=kudos_for(current_user.id), endorsed=endorsed_shares(current_user.id),
    )
