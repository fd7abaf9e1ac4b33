"""A/B variants of a post's text per network: which one a person gets, and how each does."""

from __future__ import annotations

from typing import Any

from advocacy.content.counting import share_counts
from advocacy.content.models import Post, PostVariant

VARIANT_LABELS = ("A", "B")


def variant_for(post: Post, network: str, user_id: int) -> PostVariant | None:
    """Each person always gets the same one of a network's A/B texts, split evenly by id."""
    variants = post.variants_for(network)
    if not variants:
        return None
    return variants[user_id % len(variants)]


def variant_stats(post: Post) -> list[dict[str, Any]]:
    """Shares and human clicks per variant, clicks through their one owner (raw rows
    plus what retention pruned), so old months are not undercounted."""
    shares, clicks = share_counts["per_variant"](post.id)
    rows = [
        {"variant": v, "shares": shares.get(v.id, 0), "clicks": clicks.get(v.id, 0)}
        for v in sorted(post.variants, key=lambda v: (v.network, v.label))
    ]
    return rows
