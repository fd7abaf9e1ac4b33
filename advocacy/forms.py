"""Form helpers shared by features (the organisation's wall clock: advocacy/orgtime.py)."""

from __future__ import annotations
