"""The arithmetic of a figure: a change on the year before, a ratio, a percentage; None
where there is nothing to divide by.
"""

from __future__ import annotations


def change(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return round((float(now) - float(before)) * 100.0 / float(before), 1)


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    if a is None or not b:
        return None
    return round(float(a) / float(b), digits)


def percent(a: float | None, b: float | None) -> float | None:
    value = ratio(a, b, 4)
    return None if value is None else round(value * 100, 1)
