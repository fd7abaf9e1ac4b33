"""Creating people, checking passwords and walking the unit tree."""

from __future__ import annotations

import os
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select

from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.units import tree
from advocacy.config import LANGUAGES
from advocacy.extensions import db

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Tests may ask for a cheap hash (like Django's test hasher); production keeps argon2's defaults.
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if os.environ.get("ADVOCACY_FAST_PASSWORD_HASH") == "1"
    else PasswordHasher()
)
# Verified against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")


class AccountError(ValueError):
    """A bad input for an account operation; the message is shown to the user."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(_l("Enter a valid e-mail address.")) from exc


def password_problem(password: str):
    """Length is what makes a password strong (NIST SP 800-63B), not character classes."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        ok = _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if ok and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return ok


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *,
    email: str,
    name: str,
    password: str | None = None,
    title: str = "",
    unit: Unit | None = None,
    locale: str | None = None,
    roles: Iterable[str] = (RoleName.AMBASSADOR,),
    led_units: Iterable[Unit] = (),
) -> User:
    email = normalise_email(email)
    if not name.strip():
        raise AccountError(_l("A name is required."))
    if find_user_by_email(email):
        raise AccountError(_l("Someone already uses this e-mail address."))
    if locale is not None and locale not in LANGUAGES:
        raise AccountError(_l("Unknown language."))
    user = User(email=email, name=name.strip(), title=title.strip(), unit=unit, locale=locale,
                reading_languages=[locale] if locale else None)
    if password is not None:
        set_password(user, password)
    led_units = list(led_units)
    for role in set(roles):
        if role not in RoleName.__members__.values():
            raise AccountError(_l("Unknown role."))
        if role == RoleName.LEADER:
            for led in led_units or ([unit] if unit else []):
                user.roles.append(Role(name=role, unit=led))
        else:
            user.roles.append(Role(name=role))
    db.session.add(user)
    db.session.flush()
    return user


def user_for_session(session_id: str) -> User | None:
    """Resolve Flask-Login's stored id on every request: a stale session version (password
    changed, account closed) or login generation (logged out since) ends the session."""
    try:
        user_id, version, generation = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None  # also the two-part ids of sessions from before logout was server-side
    user = db.session.get(User, user_id)
    if (user is None or not user.active or user.session_version != version
            or user.login_generation != generation):
        return None
    return user


def end_sessions(user: User) -> None:
    """Log the person out everywhere: every session cookie issued so far stops working."""
    user.login_generation = (user.login_generation or 0) + 1
    db.session.flush()


def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.name)))


def unit_tree() -> list[tuple[Unit, int]]:
    """Units in tree order with their depth, for select boxes and the admin list."""
    units = {unit.id: unit for unit in all_units()}
    return [(units[uid], depth) for uid, depth in tree().in_order() if uid in units]


def ancestor_ids(unit_id: int | None) -> set[int]:
    """The unit and every unit above it: a post aimed at a unit reaches its sub-units too."""
    return tree().ancestors(unit_id)


def descendant_ids(unit_ids: Iterable[int]) -> set[int]:
    return tree().descendants(unit_ids)


def create_unit(name: str, parent: Unit | None = None) -> Unit:
    name = name.strip()
    if not name:
        raise AccountError(_l("A name is required."))
    parent_clause = Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None)
    if db.session.scalar(select(Unit.id).where(Unit.name == name, parent_clause)):
        raise AccountError(_l("A unit with this name already exists here."))
    unit = Unit(name=name, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def user_search(query: str) -> ColumnElement[bool]:
    """People whose name or e-mail contains `query`, any case: the one user search (admin's
    users page, curators' people page). `%` and `_` in the query are literal characters."""
    text = query.strip().lower()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return func.lower(User.name).like(like, escape="\\") | \
        func.lower(User.email).like(like, escape="\\")
