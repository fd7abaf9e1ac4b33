"""Small helpers the tests of several features share (rows are made in tests/factories.py)."""

from __future__ import annotations

from sqlalchemy import func, select


def count(session, model) -> int:
    """How many rows `model` has, as the test's session sees them."""
    return session.scalar(select(func.count()).select_from(model))
