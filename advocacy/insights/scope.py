"""Which units a viewer may look at: curators and administrators every unit, a leader the
units they lead with their sub-units; asking for another one answers as if it did not exist.
"""

from __future__ import annotations

from advocacy.accounts.models import RoleName, Unit, User
from advocacy.accounts.service import descendant_ids
from advocacy.accounts.units import UnitTree, tree
from advocacy.extensions import db


class NotAllowed(Exception):
    """The viewer may not see this unit (a leader outside their own): 403, nothing revealed."""


class NotFound(Exception):
    """A curator asked for a unit that does not exist: 404."""


def sees_everything(viewer: User) -> bool:
    return bool(viewer.role_names & {RoleName.CURATOR, RoleName.ADMIN})


def allowed_unit_ids(viewer: User) -> set[int] | None:
    """None: every unit (curators, admins); else the leader's units with their sub-units."""
    if sees_everything(viewer):
        return None
    return descendant_ids(viewer.led_unit_ids)


def resolve_scope(viewer: User, unit_id: int | None) -> Unit | None:
    """The unit to show (None: the whole organisation), or NotAllowed/NotFound."""
    allowed = allowed_unit_ids(viewer)
    if allowed is None:
        if unit_id is None:
            return None
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound()
        return unit
    if unit_id is None:
        led = sorted(viewer.led_unit_ids)
        if not led:
            raise NotAllowed()
        unit_id = led[0]
    if unit_id not in allowed:  # the same answer whether the unit exists or not
        raise NotAllowed()
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotAllowed()
    return unit


def scope_choices(viewer: User, units: UnitTree | None = None) -> list[tuple[int, str]]:
    """The units the viewer may choose, each with its path, by name."""
    allowed = allowed_unit_ids(viewer)
    units = units or tree()
    by_name = sorted(units.names, key=lambda u: (units.names[u], u))
    return [(uid, units.label(uid)) for uid in by_name if allowed is None or uid in allowed]
