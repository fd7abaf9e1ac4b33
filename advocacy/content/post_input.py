"""A post as a curator enters it (`PostData`) and the checks on it: link, texts per network,
kind-specific fields, audience."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from advocacy.config import LANGUAGES
from advocacy.content.models import NETWORK_LIMITS, PostKind, PostStatus


@dataclass
class PostData:
    title: str
    link: str
    kind: str = PostKind.NEWS
    status: str = PostStatus.DRAFT
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    topic_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    # Optional B texts for an A/B test, per network.
    texts_b: dict[str, str] = field(default_factory=dict)
    deadline_at: datetime | None = None
    place: str = ""
    event_at: datetime | None = None
    audience_titles: list[str] = field(default_factory=list)
    audience_languages: list[str] = field(default_factory=list)
    # Jobs: the applicant-tracking system's reference (applications are reported against it).
    job_reference: str = ""


def link_problem(link: str):
    parts = urlsplit(link.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return _l("The link must start with http:// or https:// and name a web site.")
    return None


def text_problem(network: str, text: str):
    limit = NETWORK_LIMITS[network]
    if len(text) > limit:
        return _l(
            "%(network)s allows at most %(limit)d characters; this text has %(count)d.",
            network=network_label(network),
            limit=limit,
            count=len(text),
        )
    return None


def network_label(network: str) -> str:
    return {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X", "instagram": "Instagram"}[
        network
    ]


def split_list(value: str) -> list[str]:
    """'nurse, doctor;  cook' -> ['nurse', 'doctor', 'cook'] (form fields for professions)."""
    parts = value.replace(";", ",").split(",")
    seen: list[str] = []
    for part in parts:
        part = " ".join(part.split())
        if part and part.casefold() not in {s.casefold() for s in seen}:
            seen.append(part)
    return seen


def validate(data: PostData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _l("A title is required.")
    elif len(data.title.strip()) > 200:
        errors["title"] = _l("Use at most %(n)d characters.", n=200)
    if problem := link_problem(data.link):
        errors["link"] = problem
    if data.kind not in PostKind.__members__.values():
        errors["kind"] = _l("Choose a kind.")
    if data.status not in PostStatus.__members__.values():
        errors["status"] = _l("Choose a status.")
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors["ends_at"] = _l("The end must come after the start.")
    if data.kind == PostKind.JOB:
        if data.deadline_at is None:
            errors["deadline_at"] = _l("A job opening needs an application deadline.")
        if not data.place.strip():
            errors["place"] = _l("A job opening needs a place of work.")
    if len(data.place.strip()) > 200:
        errors["place"] = _l("Use at most %(n)d characters.", n=200)
    if len(data.job_reference.strip()) > 100:
        errors["job_reference"] = _l("Use at most %(n)d characters.", n=100)
    if data.kind == PostKind.EVENT and data.event_at is None:
        errors["event_at"] = _l("An event needs a date and time.")
    for key, texts in (("text", data.texts), ("text_b", data.texts_b)):
        for network, text in texts.items():
            name = f"text_{network}" if key == "text" else f"text_{network}_b"
            if network not in NETWORK_LIMITS:
                errors[name] = _l("Unknown network.")
            elif problem := text_problem(network, text):
                errors[name] = problem
    for network, text in data.texts_b.items():
        if text.strip() and not data.texts.get(network, "").strip():
            errors[f"text_{network}_b"] = _l("Write the main text (A) before an alternative (B).")
    if not any(t.strip() for t in data.texts.values()):
        errors["text_linkedin"] = _l("Write a suggested text for at least one network.")
    if any(code not in LANGUAGES for code in data.audience_languages):
        errors["audience_languages"] = _l("Unknown language.")
    if any(len(t) > 100 for t in data.audience_titles):
        errors["audience_titles"] = _l("Use at most %(n)d characters.", n=100)
    return errors
