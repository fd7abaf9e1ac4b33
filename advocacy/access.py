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
