"""Administrators change the people and units they created.

Who may change whom is the one shared rule `advocacy.people.service.change_problem`. A new
unit for a person goes through `activity.unit_history.move_to_unit`, so their past activity
stays with the unit they were in at the time. Moving a unit in the tree keeps its id, so the
monthly rollups (kept per unit id) stay with it as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.accounts.service import AccountError, descendant_ids, normalise_email
from advocacy.activity.unit_history import move_to_unit
from advocacy.config import LANGUAGES
from advocacy.extensions import db
from advocacy.people.service import Importer, change_problem


class EditError(AccountError):
    """A refused change, with the form field it belongs to."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PersonChange:
    email: str
    name: str
    title: str
    unit: Unit | None
    locale: str | None
    roles: frozenset[str]
    led_units: tuple[Unit, ...] = ()


def _leader_units(roles: Iterable[str], led: Iterable[Unit], unit: Unit | None) -> set[int]:
    if RoleName.LEADER not in set(roles):
        return set()
    ids = {u.id for u in led}
    return ids or ({unit.id} if unit else set())


def update_person(person: User, change: PersonChange, *, by: User, now: datetime) -> list[str]:
    """Apply the change; return the names of the fields that changed (for the audit log).

    Raises EditError and changes nothing when the change is refused."""
    email = normalise_email(change.email)
    name = change.name.strip()
    if not name:
        raise EditError("name", _l("A name is required."))
    taken = db.session.scalar(
        select(User.id).where(func.lower(User.email) == email, User.id != person.id))
    if taken:
        raise EditError("email", _l("Someone already uses this e-mail address."))
    if change.locale is not None and change.locale not in LANGUAGES:
        raise EditError("locale", _l("Unknown language."))
    roles = set(change.roles)
    if roles - set(RoleName.__members__.values()):
        raise EditError("roles", _l("Unknown role."))
    if RoleName.LEADER in roles and not (change.led_units or change.unit):
        raise EditError("led_unit_ids", _l("Choose the units this leader leads."))

    old_roles = person.role_names
    old_led = person.led_unit_ids
    new_led = _leader_units(roles, change.led_units, change.unit)
    # Adding or removing a role is a change of that role; so is a leader's set of units.
    touched = (roles ^ old_roles) | ({RoleName.LEADER} if old_led != new_led else set())
    actor = Importer.of(by)
    fields = {
        "email": (person.email, email),
        "name": (person.name, name),
        "title": (person.title or "", change.title.strip()),
        "unit": (person.unit_id, change.unit.id if change.unit else None),
        "locale": (person.locale, change.locale),
    }
    changed = [key for key, (old, new) in fields.items() if old != new]
    refused = change_problem(actor, person.id, old_roles, new_roles=touched,
                             changes=bool(changed or touched))
    if refused:
        raise EditError("roles" if touched else "name", refused)

    person.email, person.name, person.title = email, name, change.title.strip()
    person.locale = change.locale
    if "unit" in changed:
        move_to_unit(person, change.unit.id if change.unit else None, now)
    if touched:
        changed.append("roles")
        keep = [r for r in person.roles
                if r.name in roles and (r.name != RoleName.LEADER or r.unit_id in new_led)]
        have = {(r.name, r.unit_id) for r in keep}
        for role in sorted(roles):
            if role == RoleName.LEADER:
                for unit_id in sorted(new_led):
                    if (role, unit_id) not in have:
                        keep.append(Role(name=role, unit_id=unit_id))
            elif (role, None) not in have:
                keep.append(Role(name=role))
        person.roles = keep
    db.session.flush()
    db.session.expire(person, ["unit"])
    return changed


def update_unit(unit: Unit, *, name: str, parent: Unit | None) -> list[str]:
    """Rename and/or move a unit; refuse a move under itself or one of its own sub-units."""
    name = name.strip()
    if not name:
        raise EditError("name", _l("A name is required."))
    if parent is not None and parent.id in descendant_ids([unit.id]):
        message = (_l("A unit cannot be placed under itself.") if parent.id == unit.id else
                   _l("“%(unit)s” is one of this unit's own sub-units; a unit cannot be "
                      "placed under its own sub-unit.", unit=parent.name))
        raise EditError("parent_id", message)
    parent_id = parent.id if parent else None
    clash = Unit.parent_id == parent_id if parent_id else Unit.parent_id.is_(None)
    if db.session.scalar(select(Unit.id).where(Unit.name == name, clash, Unit.id != unit.id)):
        raise EditError("name", _l("A unit with this name already exists here."))
    changed = [key for key, old, new in (("name", unit.name, name),
                                         ("parent", unit.parent_id, parent_id)) if old != new]
    unit.name = name
    unit.parent_id = parent_id
    db.session.flush()
    db.session.expire(unit, ["parent"])
    return changed
