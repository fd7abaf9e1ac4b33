"""The share and click counts content shows (per variant, per topic) but cannot count itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Shares and their clicks are counted above content (tracking, activity.clicks): the app wires
# the counting in (`count_shares_with`, advocacy/__init__.py), so content imports neither.
# "per_variant": post id -> (shares, human clicks) per variant id; "per_topic": () -> shares
# per topic id.
share_counts: dict[str, Callable[..., Any]] = {}


def count_shares_with(*, per_variant: Callable[[int], tuple[dict, dict]],
                      per_topic: Callable[[], dict[int, int]]) -> None:
    share_counts.update(per_variant=per_variant, per_topic=per_topic)
