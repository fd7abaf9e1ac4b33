"""Who may do what: every view declares the roles it needs here, in one place."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from advocacy.accounts.models import RoleName

AMBASSADOR = RoleName.AMBASSADOR
CURATOR = RoleName.CURATOR
LEADER = RoleName.LEADER
ADMIN = RoleName.ADMIN


def has_any_role(user, roles: tuple[str, ...]) -> bool:
    """Admins may do everything; others need one of the named roles."""
    if not user or not user.is_authenticated:
        return False
    names = user.role_names
    return ADMIN in names or bool(names.intersection(roles))


def roles_required(*roles: str) -> Callable:
    """Log in first (redirect), then 403 unless the user holds one of the roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not has_any_role(current_user, roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return login_required(wrapper)

    return decorator


def participant_required(view: Callable) -> Callable:
    """Sharing and the queue are for people who joined the programme; others are invited to."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        from flask import flash, redirect, url_for
        from flask_babel import gettext as _

        if not current_user.is_participant:
            flash(_("Join the ambassador programme first. Taking part is voluntary."), "info")
            return redirect(url_for("privacy.participation"))
        return view(*args, **kwargs)

    return wrapper


# --- leaders and the people they may see -------------------------------------------------


def led_unit_ids(user) -> set[int]:
    """The units a leader leads, with all their sub-units; empty for everyone else."""
    if not user or not user.is_authenticated:
        return set()
    direct = user.led_unit_ids
    if not direct:
        return set()
    from advocacy.accounts.service import descendant_ids

    return descendant_ids(direct)


def is_leader_of(user, unit_id: int | None) -> bool:
    """Leader of unit X: leads X itself or a unit above it."""
    return unit_id is not None and unit_id in led_unit_ids(user)


def visible_in_leader_views(person) -> bool:
    """Only people who opted in (and have not left) appear in any leader view or figure."""
    return bool(person is not None and person.is_participant)


def may_be_named(person) -> bool:
    """Kudos walls and leaderboards name only participants who chose to be named."""
    return visible_in_leader_views(person) and bool(person.named_opt_in)


def can_view_person(viewer, person, now) -> bool:
    """A named per-person look: leader of the person's unit, person opted in, switch effective."""
    from advocacy.privacy.service import person_view_active

    if viewer is None or person is None or not viewer.is_authenticated:
        return False
    if viewer.id == person.id or not viewer.has_role(LEADER):
        return False
    if not visible_in_leader_views(person):
        return False
    if not is_leader_of(viewer, person.unit_id):
        return False
    return person_view_active(now)
