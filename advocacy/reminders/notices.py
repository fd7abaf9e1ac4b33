"""One message from another feature to one person (kudos, an endorsement, a takeover shift),
due inside their working hours and sent at most once per key."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from advocacy.accounts.models import User
from advocacy.orgtime import org_tz
from advocacy.reminders.errors import ReminderError
from advocacy.reminders.hours import allowed_before, next_allowed
from advocacy.reminders.models import Kind
from advocacy.reminders.preferences import preference_for
from advocacy.reminders.rows import channels_for, insert_ignore, new_row
from advocacy.reminders.settings import read_settings


def notify(person: User, kind: str, payload: dict[str, Any], now: datetime, *,
           key: str | None = None, not_before: datetime | None = None,
           deadline: datetime | None = None) -> int:
    """(d)/(e) For other features: tell `person` something (kudos, an endorsement, a takeover
    shift). `payload` is JSON: {"headline": str, "body": str, "post_id": int | None} or the
    fields the kind's e-mail template reads; `"expires_at"` (ISO time) drops a message not
    sent by then. The same `key` (default: a hash of the payload) is sent at most once. It is
    due at the first moment of the person's working hours from `not_before` (default: now),
    or, with `deadline`, in their last working window before it (`allowed_before`).
    Returns rows added; flushes."""
    if kind not in Kind.__members__.values():
        raise ReminderError(f"Unknown reminder kind {kind!r}.")
    try:
        encoded = json.dumps(payload, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ReminderError("The payload must be JSON.") from exc
    period = key or "n:" + hashlib.sha256(encoded.encode()).hexdigest()[:40]
    pref = preference_for(person)
    channels = channels_for(pref, kind, read_settings())
    if not person.active or not channels:
        return 0
    preferred = max(now, not_before) if not_before is not None else now
    due = (allowed_before(pref, preferred, deadline, now, org_tz()) if deadline is not None
           else next_allowed(pref, preferred, org_tz()))
    post_id = payload.get("post_id") if isinstance(payload.get("post_id"), int) else None
    rows = [new_row(person.id, kind, period[:80], c, due, now, payload, post_id) for c in channels]
    return insert_ignore(rows)
