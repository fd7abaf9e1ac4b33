"""Recruitment pages, one blueprint: the channel report (report), how jobs and applications
come in (intake: job feeds, the CSV import) and the survey "where did you first see this
job?" with its choice list (survey)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from advocacy.orgtime import org_tz
from advocacy.recruitment import service

bp = Blueprint("recruitment", __name__)

CHANNEL_LABELS = {
    service.EMPLOYEE_SHARE: _l("Employee shares"),
    service.OWN_PAGES: _l("Our own pages"),
    service.JOB_BOARD: _l("Job boards"),
    service.PRINT: _l("Print"),
    service.WORD_OF_MOUTH: _l("Word of mouth"),
    service.OTHER: _l("Other"),
}


@bp.app_context_processor
def _credit():
    """My activity (activity/) shows the credit without importing upwards."""
    return {"recruitment_credit": lambda user_id: service.credit_by_year(user_id, org_tz())}


# The pages register their routes on `bp` when they are imported.
from advocacy.recruitment.views import intake, report, survey  # noqa: E402, F401
