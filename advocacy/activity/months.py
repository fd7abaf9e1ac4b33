"""Months as integers (year * 12 + month - 1), in Python and in SQL: what every rollup, page
and report of activity counts in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, literal


def const(value: int):
    """An integer written into the SQL itself, so that PostgreSQL sees the same expression
    in SELECT and GROUP BY (two bind parameters would be two different expressions)."""
    return literal(value, Integer, literal_execute=True)


def month_of(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.year * 12 + local.month - 1


def month_start(month: int, tz: ZoneInfo) -> datetime:
    """The first instant of a month in the organisation's time zone, as UTC."""
    return datetime(month // 12, month % 12 + 1, 1, tzinfo=tz).astimezone(UTC)


def month_key(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def parse_month(key: str) -> int:
    year, month = (int(part) for part in key.split("-"))
    if not 1 <= month <= 12:
        raise ValueError(key)
    return year * 12 + month - 1
