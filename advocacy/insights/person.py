"""One person's page (leaders, curators, administrators, the person): only the kinds of data
the rule in advocacy.privacy.visibility allows.
"""

from __future__ import annotations

from typing import Any

from advocacy.accounts.models import User
from advocacy.activity.personal import years_side_by_side
from advocacy.endorsements.service import endorsed_shares, kudos_for
from advocacy.privacy import visibility

PERSON_WHAT = "person.page"


def person_page(person: User, seen: visibility.PersonView) -> dict[str, Any]:
    """What a viewer sees on a person's page: only the kinds the rule allows. The
    transparency page "what my leader sees" calls this too, for the same person."""
    measures = seen.measures()
    years = years_side_by_side(person.id) if measures else []
    return {
        "name": person.name if seen.may(visibility.NAME) else None,
        "measures": measures,
        "years": [{"year": y["year"], **{m: y.get(m, 0) for m in measures}} for y in years],
        "kudos": kudos_for(person.id) if seen.may(visibility.KUDOS) else None,
        "endorsed": endorsed_shares(person.id) if seen.may(visibility.ACTIVITY) else None,
    }
