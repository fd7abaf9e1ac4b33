"""Readable, translated sentences for internal keys.

Audit entries and post history store keys (`post.approve`, `guidelines_version`,
`text_linkedin_A`, `in_review`); the screens show these sentences instead. A key without a
label still reads as words ("some_new_field" → "Some new field"), never as code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def humanise(key: str) -> str:
    """The readable fallback for a key nobody has labelled yet."""
    words = str(key).replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "—"


ROLES = {
    "ambassador": _l("Ambassador"),
    "curator": _l("Curator"),
    "leader": _l("Leader"),
    "admin": _l("Administrator"),
}


def role_label(name: str) -> str:
    return str(ROLES.get(name) or humanise(name))


def role_labels(names: Iterable[str]) -> str:
    labels = [role_label(n) for n in names]
    return ", ".join(sorted(labels)) if labels else "—"


ACTIONS = {
    "user.create": _l("Added a person"),
    "user.update": _l("Changed a person"),
    "login.link": _l("Logged in with a one-time link from an e-mail"),
    "user.deactivate": _l("Deactivated a person"),
    "user.reactivate": _l("Reactivated a person"),
    "unit.create": _l("Added a unit"),
    "unit.update": _l("Changed a unit"),
    "people.import": _l("Imported people"),
    "programme.update": _l("Changed the programme settings"),
    "post.create": _l("Created a post"),
    "post.update": _l("Changed a post"),
    "post.submit": _l("Sent a post for review"),
    "post.approve": _l("Approved a post"),
    "post.return": _l("Sent a post back"),
    "post.archive": _l("Archived a post"),
    "post.reopen": _l("Reopened a post"),
    "post.comment": _l("Commented on a post"),
    "topic.create": _l("Added a topic"),
    "topic.update": _l("Changed a topic"),
    "topic.archive": _l("Archived a topic"),
    "topic.restore": _l("Restored a topic"),
    "topic.merge": _l("Merged a topic into another"),
    "story.accept": _l("Accepted a story"),
    "story.decline": _l("Declined a story"),
    "takeover.approve": _l("Approved an account takeover"),
    "takeover.decline": _l("Declined an account takeover"),
    "endorsement.request": _l("Asked a leader to endorse a post"),
    "privacy.settings": _l("Changed the privacy settings"),
    "privacy.person_view_on": _l("Turned on leaders' view of single persons"),
    "privacy.person_view_off": _l("Turned off leaders' view of single persons"),
    "person.view": _l("Looked at one person's data"),
    "person.erase": _l("Erased a person's data"),
    "person.erase_participation": _l("Erased a person's programme data"),
    "audit.prune": _l("Deleted old audit entries"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action) or humanise(action))


TARGETS = {
    "user": _l("Person"),
    "unit": _l("Unit"),
    "post": _l("Post"),
    "topic": _l("Topic"),
    "story": _l("Story"),
    "takeover": _l("Takeover"),
    "import": _l("People import"),
    "programme": _l("Programme settings"),
    "privacy_settings": _l("Privacy settings"),
    "audit_entries": _l("Audit log"),
}


def target_label(target_type: str | None, target_id: int | None) -> str:
    if not target_type:
        return "—"
    label = str(TARGETS.get(target_type) or humanise(target_type))
    # Settings pages are single rows: their id means nothing to a reader.
    if target_id is None or target_type in ("programme", "privacy_settings", "import",
                                            "audit_entries"):
        return label
    return _("%(what)s no. %(id)d", what=label, id=target_id)


# Field names in audit details and post history.
FIELDS = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "title": _l("Title"),
    "unit": _l("Unit"),
    "parent": _l("Place in the unit tree"),
    "locale": _l("Language"),
    "roles": _l("Roles"),
    "purpose": _l("Purpose"),
    "guidelines_version": _l("Guidelines version"),
    "require_second_approval": _l("Second approval required"),
    "weekly_post_cap": _l("Posts per week at most"),
    "leaders_first_minutes": _l("Minutes leaders go first"),
    "warning_drop_percent": _l("Warning at a drop of (%)"),
    "link": _l("Link"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "starts_at": _l("Shown from"),
    "ends_at": _l("Shown until"),
    "deadline_at": _l("Application deadline"),
    "place": _l("Place"),
    "event_at": _l("Event time"),
    "image": _l("Image"),
    "image_alt": _l("Image description"),
    "topics": _l("Topics"),
    "units": _l("Units"),
    "professions": _l("Professions"),
    "languages": _l("Languages"),
    "description": _l("Description"),
}

# A person's "title" is their job title, a post's "title" its headline.
PERSON_FIELDS = {"title": _l("Job title or profession")}

NETWORKS = {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X", "instagram": "Instagram"}


def field_label(key: str) -> str:
    if key in FIELDS:
        return str(FIELDS[key])
    if key.startswith("text_"):
        parts = key.split("_")
        if len(parts) == 3 and parts[1] in NETWORKS:
            return _("%(network)s text, version %(label)s", network=NETWORKS[parts[1]],
                     label=parts[2])
    return humanise(key)


STATUSES = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "scheduled": _l("Scheduled"),
    "live": _l("Live"),
    "archived": _l("Archived"),
}
KINDS = {"story": _l("Story"), "job": _l("Job"), "event": _l("Event"), "news": _l("News")}
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "da": "Dansk", "en": "English"}


def network_names(keys: Iterable[str]) -> str:
    return ", ".join(NETWORKS.get(k) or humanise(k) for k in keys)


def language_names(codes: Iterable[str]) -> str:
    return ", ".join(LANGUAGE_NAMES.get(c) or c for c in codes)


def value_text(key: str, value: Any, person: bool = False) -> str:
    """One stored value as a reader would say it."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple, set)):
        if key == "roles":
            return role_labels(value)
        if key == "changed":
            return ", ".join(str(PERSON_FIELDS.get(v) or field_label(str(v))) if person
                             else field_label(str(v)) for v in value)
        return ", ".join(value_text(key, v) for v in value)
    if key == "status" and value in STATUSES:
        return str(STATUSES[value])
    if key == "kind" and value in KINDS:
        return str(KINDS[value])
    if key in ("locale", "languages") and value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    if key.endswith("_at") and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)


# --- audit entries -------------------------------------------------------------------


REASONS = {
    "left_programme": _l("left the programme"),
    "request": _l("at the person's own request"),
    "admin": _l("by an administrator"),
    "admin_cli": _l("by an administrator (command line)"),
    "retention": _l("the retention time ran out"),
}
VIEWS = {"leader.person": _l("a leader's page about one person")}

# Labels of coded values that a feature above audit owns (privacy's legal bases): the feature
# registers them with `value_labels`, so that audit imports none of them.
_VALUE_LABELS: dict[str, dict[str, Any]] = {}


def value_labels(key: str, labels: dict[str, Any]) -> None:
    """Describe the values of detail `key` with `labels` (e.g. privacy: "legal_basis")."""
    _VALUE_LABELS[key] = labels


def detail_lines(details: dict | None, target_type: str | None = None) -> list[str]:
    """The details of one audit entry as short translated sentences."""
    out: list[str] = []
    for key, value in (details or {}).items():
        if key == "changed":
            out.append(_("Changed: %(fields)s",
                         fields=value_text(key, value, person=target_type == "user")))
        elif key == "roles":
            out.append(_("Roles: %(roles)s", roles=value_text(key, value)))
        elif key == "status":
            out.append(_("Status: %(status)s", status=value_text(key, value)))
        elif key in ("created", "updated", "unchanged") and isinstance(value, int):
            label = {"created": _("added"), "updated": _("updated"),
                     "unchanged": _("unchanged")}[key]
            out.append(_("%(count)d %(what)s", count=value, what=label))
        elif key == "post_id":
            out.append(_("Post no. %(id)s", id=value))
        elif key == "comment_id":
            out.append(_("Comment no. %(id)s", id=value))
        elif key == "leader_id":
            out.append(_("Leader: person no. %(id)s", id=value))
        elif key == "into":
            out.append(_("Into topic no. %(id)s", id=value))
        elif key == "notice_id":
            out.append(_("Privacy notice no. %(id)s", id=value))
        elif key == "reason":
            out.append(_("Reason: %(reason)s", reason=REASONS.get(value) or humanise(value)))
        elif key == "what":
            out.append(_("Seen: %(what)s", what=VIEWS.get(value) or humanise(value)))
        elif key == "legal_basis":
            out.append(_("Legal basis: %(basis)s",
                         basis=_VALUE_LABELS.get(key, {}).get(value) or humanise(value)))
        elif key == "entries" and isinstance(value, int):
            out.append(_("%(count)d entries deleted", count=value))
        elif key == "keep_days" and isinstance(value, int):
            out.append(_("Kept for %(days)d days", days=value))
        else:
            out.append(_("%(field)s: %(value)s", field=field_label(key),
                         value=value_text(key, value)))
    return out


def describe_entry(entry) -> dict[str, Any]:
    """What the audit page shows for one entry: action, target and detail sentences."""
    return {
        "action": action_label(entry.action),
        "target": target_label(entry.target_type, entry.target_id),
        "details": detail_lines(entry.details, entry.target_type),
    }


# --- post history --------------------------------------------------------------------


HISTORY_ACTIONS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "submitted": _l("Sent for review"),
    "approved": _l("Approved"),
    "returned": _l("Sent back"),
    "archived": _l("Archived"),
    "reopened": _l("Reopened"),
}


def history_action(action: str) -> str:
    return str(HISTORY_ACTIONS.get(action) or humanise(action))


def change_line(key: str, pair: Any) -> str:
    """'Status: Draft → In review'; a field set for the first time reads 'Title: Spring'."""
    label = field_label(key)
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        return _("%(field)s: %(value)s", field=label, value=value_text(key, pair))
    old, new = pair
    if old in (None, "", []):
        return _("%(field)s: %(value)s", field=label, value=value_text(key, new))
    if new in (None, "", []):
        return _("%(field)s removed (was %(value)s)", field=label, value=value_text(key, old))
    return _("%(field)s: %(old)s → %(new)s", field=label, old=value_text(key, old),
             new=value_text(key, new))


def _blank_pair(pair: Any) -> bool:
    empty: tuple[Any, ...] = (None, "", [])
    return isinstance(pair, (list, tuple)) and len(pair) == 2 and pair[0] in empty \
        and pair[1] in empty


def history_lines(changes: dict | None) -> list[str]:
    """One sentence per changed field, status first (what a reader looks for); a field empty
    before and after (a new post's unused fields) is left out."""
    changes = changes or {}
    keys = sorted((k for k in changes if not _blank_pair(changes[k])),
                  key=lambda k: (k != "status", k))
    return [change_line(k, changes[k]) for k in keys]
