"""Who may do what: every view declares the roles it needs here, in one place.

The roles are named here (accounts.models imports `RoleName` from this module). What a
viewer may see about one person is privacy's rule: advocacy/privacy/visibility.py."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


class RoleName(enum.StrEnum):
    AMBASSADOR = "ambassador"
    CURATOR = "curator"
    LEADER = "leader"
    ADMIN = "admin"


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
