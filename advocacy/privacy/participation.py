"""Taking part: joining and leaving the programme, and choosing to be named."""

from __future__ import annotations

from datetime import datetime

from advocacy.accounts.models import User
from advocacy.extensions import db


def join(user: User, now: datetime) -> None:
    """Opt in; rejoining after leaving starts a fresh membership."""
    if user.is_participant:
        return
    user.joined_at = now
    user.left_at = None
    db.session.flush()


def leave(user: User, now: datetime) -> None:
    """Opt out: gone from leader views at once; personal data is erased after the set time."""
    if user.joined_at is None or user.left_at is not None:
        return
    user.left_at = now
    user.named_opt_in = False
    db.session.flush()


def set_named(user: User, named: bool) -> None:
    """Being named on kudos walls and leaderboards is the person's own choice, read live."""
    user.named_opt_in = bool(named) and user.is_participant
    db.session.flush()
