"""The programme's purpose and guidelines: one row, created on first use."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advocacy.extensions import db
from advocacy.programme.models import Programme

DEFAULT_PURPOSE = _l(
    "We share our colleagues' stories and our job openings so that good people "
    "choose to work with us."
)


def get_programme() -> Programme:
    programme = db.session.get(Programme, 1)
    if programme is None:
        programme = Programme(id=1, name="", purpose=str(DEFAULT_PURPOSE), guidelines="")
        db.session.add(programme)
        db.session.flush()
    return programme


MAX_WEEKLY_CAP = 100


def normal_text(text: str) -> str:
    """A text as compared for a new guidelines version: LF line ends, no trailing spaces."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def update_programme(
    *,
    name: str,
    purpose: str,
    guidelines: str,
    by_user_id: int,
    require_second_approval: bool | None = None,
    weekly_post_cap: int | None = None,
) -> Programme:
    """Keep one row; a changed guidelines text gets a new version so ambassadors accept it again.
    Only the text counts: a browser sends a textarea's lines ending in CR LF, so line endings
    and trailing spaces are made alike first (saving a ticked checkbox is no new version)."""
    programme = get_programme()
    guidelines = normal_text(guidelines)
    if guidelines != normal_text(programme.guidelines or ""):
        programme.guidelines_version += 1
    programme.name = name.strip()
    programme.purpose = purpose.strip()
    programme.guidelines = guidelines
    if require_second_approval is not None:
        programme.require_second_approval = require_second_approval
    if weekly_post_cap is not None:
        if not 0 <= weekly_post_cap <= MAX_WEEKLY_CAP:
            raise ValueError("weekly_post_cap out of range")
        programme.weekly_post_cap = weekly_post_cap
    programme.updated_by_id = by_user_id
    db.session.flush()
    return programme
