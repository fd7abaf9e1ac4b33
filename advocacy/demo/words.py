"""Shaping made-up text: ASCII slugs (e-mail addresses, links) and fitting a network's limit."""

from __future__ import annotations

import re

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower().translate(_FOLD)).strip("-")


def fit_text(value: str, limit: int) -> str:
    """Shorten at a word boundary with an ellipsis, so X's 280 characters always hold."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return cut + "…"
