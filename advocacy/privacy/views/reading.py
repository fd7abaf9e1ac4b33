"""Reading about privacy: the overview, the public notice, what others see about me,
who looked, and marking a notice read."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.privacy import transparency
from advocacy.privacy.access_log import ACCESS_REASONS, ACCESS_WHAT, accesses_for
from advocacy.privacy.forms import EmptyForm
from advocacy.privacy.notices import mark_notice_seen
from advocacy.privacy.person_view import person_view_active
from advocacy.privacy.settings import LEGAL_BASES, get_settings, legal_basis_warning
from advocacy.privacy.transparency import KIND_LABELS, KIND_ORDER, leaders_of
from advocacy.privacy.views import PERSON_PAGE, bp
from advocacy.programme.service import get_programme

# --- transparency ---------------------------------------------------------------------------


@bp.get("/privacy")
@login_required
def overview():
    return render_template(
        "privacy/overview.html", settings=get_settings(), programme=get_programme(),
        legal_basis=LEGAL_BASES.get(get_settings().legal_basis),
    )


@bp.get("/privacy/notice")
def notice():
    """GDPR art. 13: generated from the programme's settings; public, readable before joining."""
    settings = get_settings()
    return render_template(
        "privacy/notice.html", settings=settings, programme=get_programme(),
        legal_basis=LEGAL_BASES.get(settings.legal_basis),
        warning=legal_basis_warning(settings.legal_basis, settings.public_authority),
    )


@bp.get("/privacy/leader-view")
@login_required
def leader_view():
    """What leaders, curators and administrators see about me: the rule of
    advocacy/privacy/visibility.py asked about each of them, and the very page they would get."""
    person_page = PERSON_PAGE["page"]
    now = utcnow()
    person = current_user._get_current_object()
    audiences = []
    for key, seen in transparency.audiences(person, now):
        audiences.append({"key": key, "seen": seen, "page": person_page(person, seen),
                          "kinds": [KIND_LABELS[k] for k in KIND_ORDER
                                    if seen.may(k)],
                          "reasons": [ACCESS_REASONS[r] for r in seen.reasons
                                      if r in ACCESS_REASONS]})
    return render_template(
        "privacy/leader_view.html", settings=get_settings(),
        active=person_view_active(now), leaders=leaders_of(person),
        person=person, participant=person.is_participant, programme=get_programme(),
        audiences=audiences,
    )


@bp.get("/privacy/access-log")
@login_required
def access_log():
    return render_template("privacy/access_log.html",
                           accesses=accesses_for(current_user),
                           labels=ACCESS_WHAT)


@bp.post("/privacy/notices/<int:notice_id>/seen")
@login_required
def notice_seen(notice_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not mark_notice_seen(current_user, notice_id, utcnow()):
        abort(404)
    db.session.commit()
    return redirect(url_for("privacy.leader_view"))
