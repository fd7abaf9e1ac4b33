"""A share: one ambassador's own text for one post on one network, with its tracked token.

The `Share` row itself is defined in advocacy/tracking/models.py, next to the clicks on its
token: the redirect, the click counts and the activity rollup below sharing read it, and
sharing (which makes shares) sits above them (docs/architecture.md, Layers)."""

from __future__ import annotations

from advocacy.tracking.models import Share, new_reference  # noqa: F401
