"""A person's units over time: a move applies from now on, their past stays with the old unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from advocacy.accounts.models import User
from advocacy.activity.models import UnitMembership
from advocacy.extensions import db


def move_to_unit(user: User, unit_id: int | None, now: datetime) -> None:
    """Give the person a new unit from now on; their past stays with the old one."""
    if unit_id == user.unit_id:
        return
    current = db.session.scalar(
        select(UnitMembership).where(
            UnitMembership.user_id == user.id, UnitMembership.valid_to.is_(None)
        )
    )
    if current is None:
        db.session.add(UnitMembership(
            user_id=user.id, unit_id=user.unit_id, valid_from=min(user.created_at, now),
            valid_to=now,
        ))
    else:
        current.valid_to = now
    db.session.add(UnitMembership(user_id=user.id, unit_id=unit_id, valid_from=now))
    user.unit_id = unit_id
    db.session.flush()


@dataclass(frozen=True)
class Stint:
    unit_id: int | None
    start: datetime
    end: datetime | None


def unit_history() -> dict[int, list[Stint]]:
    """Everyone's units over time; people never moved have one stint in their present unit."""
    history: dict[int, list[Stint]] = defaultdict(list)
    for user_id, unit_id, start, end in db.session.execute(
        select(UnitMembership.user_id, UnitMembership.unit_id, UnitMembership.valid_from,
               UnitMembership.valid_to).order_by(UnitMembership.valid_from)
    ).tuples():
        history[user_id].append(Stint(unit_id, start, end))
    for user_id, unit_id, created in db.session.execute(
        select(User.id, User.unit_id, User.created_at)
    ).tuples():
        if user_id not in history:
            history[user_id].append(Stint(unit_id, created, None))
    return history


def unit_at(stints: list[Stint], moment: datetime) -> int | None:
    for stint in stints:
        if stint.start <= moment and (stint.end is None or moment < stint.end):
            return stint.unit_id
    # before the first recorded stint: the first unit we know of
    return stints[0].unit_id if stints else None
