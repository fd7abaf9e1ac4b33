"""The description of a post's or a story's image (its alt text): required when there is an
image, at most MAX_ALT characters. Shown as `alt` wherever the image is, and offered with the
copied text on the share page, because LinkedIn, Facebook, X and Instagram all let the person
add an image description in their composer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MAX_ALT = 250
# Composers that take an image description for an image the person adds (checked 2026-12):
# LinkedIn ("Add alt text"), Facebook ("Alternative text"), X ("+ALT"), Instagram
# ("Accessibility" > "Write alt text"). The share page offers the text for these.
NETWORKS_WITH_ALT = frozenset({"linkedin", "facebook", "x", "instagram"})


def clean(value: str | None) -> str:
    return " ".join((value or "").split())


def problem(value: str | None, *, has_image: bool):
    """The message for a bad description, or None when it is fine."""
    text = clean(value)
    if len(text) > MAX_ALT:
        return _l("Use at most %(n)d characters for the image description.", n=MAX_ALT)
    if has_image and not text:
        return _l("Describe the image for people who cannot see it (at most %(n)d characters).",
                  n=MAX_ALT)
    return None
