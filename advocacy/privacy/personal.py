"""Every table that holds something about one person: what their export contains and what
erasure does with it.

A table with a foreign key to ``users`` must appear in ``ERASURE`` and ``EXPORTED`` (a test
walks the metadata), so a feature that adds a per-person table cannot forget either.

Erasure anonymises the activity instead of deleting it: shares and activity events stay with
no person, no text and no working tracked link, still carrying the unit at the time. So the
anonymous unit and organisation rollups (``activity_unit_months``, ``..._unit_dim_months``)
do not change, and a later incremental rollup or a full ``flask activity rebuild`` computes
the same totals again, only without the person's own monthly rows.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import String, cast, delete, literal, or_, select, update

from advocacy.accounts.models import User, user_topics
from advocacy.accounts.units import tree
from advocacy.activity.models import ActivityEvent, PersonMonth, PersonState, UnitMembership
from advocacy.aftercommit import after_commit
from advocacy.audit.models import AuditEntry
from advocacy.content.models import Post, PostComment, PostRevision
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos
from advocacy.extensions import db
from advocacy.onboarding.models import AmbassadorProfile, GuidelineAcceptance
from advocacy.privacy.models import DataExport, NoticeDelivery, PersonalDataAccess
from advocacy.programme.models import Programme
from advocacy.queue.models import QueueDecision, QueueImpression
from advocacy.reminders.models import Reminder, ReminderPreference, UsedToken
from advocacy.sharing.models import Share
from advocacy.stories.models import Story
from advocacy.takeovers.models import Takeover
from advocacy.tracking.models import Click

# table -> what erasure does with the person's rows (shown in docs/privacy-and-rollups.md too)
ERASURE: dict[str, str] = {
    "users": "deleted",
    "roles": "deleted",
    "user_topics": "deleted",
    "shares": "kept without person and text; tracked token replaced, so old links answer 404",
    "activity_events": "kept without person (unit at the time kept) for the unit totals",
    "activity_person_months": "deleted",
    "unit_memberships": "deleted",
    "queue_decisions": "deleted",
    "queue_impressions": "deleted",
    "ambassador_profiles": "deleted",
    "guideline_acceptances": "deleted",
    "kudos": "deleted, given and received",
    "endorsements": "deleted",
    "endorsement_requests": "deleted when to the person; when they asked: name and note removed",
    "stories": "deleted; photos removed from disk unless a post uses them",
    "post_comments": "deleted",
    "post_revisions": "kept without the person",
    "posts": "kept without the person (author, reviewer, approver, credit)",
    "takeovers": "deleted (with reminders) when theirs; decided by them: kept without them",
    "data_exports": "deleted",
    "notice_deliveries": "deleted",
    "personal_data_accesses": "deleted when about them; when they looked: kept without them",
    "audit_entries": "kept without the person (the action stays, the name goes)",
    "reminders": "deleted",
    "activity_people": "deleted (the dashboards' per-person state; anonymous counts stay)",
    "reminder_preferences": "deleted",
    "reminder_used_tokens": "deleted",
}

# table -> the export file(s) that hold the person's rows of it
EXPORTED: dict[str, tuple[str, ...]] = {
    "users": ("profile",),
    "roles": ("profile",),
    "user_topics": ("topics",),
    "shares": ("shares",),
    "activity_events": ("activity_events",),
    "activity_person_months": ("monthly_activity",),
    "unit_memberships": ("unit_history",),
    "queue_decisions": ("queue_decisions",),
    "queue_impressions": ("queue_impressions",),
    "ambassador_profiles": ("ambassador_profile",),
    "guideline_acceptances": ("guideline_acceptances",),
    "kudos": ("kudos_received", "kudos_given"),
    "endorsements": ("endorsements",),
    "endorsement_requests": ("endorsement_requests",),
    "stories": ("stories",),
    "post_comments": ("post_comments",),
    "post_revisions": ("post_revisions",),
    "posts": ("posts",),
    "takeovers": ("takeovers",),
    "data_exports": ("exports",),
    "notice_deliveries": ("notices",),
    "personal_data_accesses": ("access_log", "looks_at_others"),
    "audit_entries": ("own_actions",),
    "reminders": ("reminders",),
    "activity_people": ("dashboard_state",),
    "reminder_preferences": ("reminder_preferences",),
    "reminder_used_tokens": ("reminder_links_used",),
}

# Columns never exported: secrets, the bytes that are the export itself, and the hash that
# stands for a visitor who clicked (about someone else, and useless without the secret).
NOT_EXPORTED = {
    "password_hash", "session_version", "nonce", "content", "visitor_hash", "claim_token",
}

ERASED_LINK_PREFIX = "erased/"  # a "/" can never reach the /r/<token> route


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _record(row: Any, **extra: Any) -> dict[str, Any]:
    """Every stored column of the row (minus secrets), so nothing is silently left out."""
    record = {
        column.key: _iso(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in NOT_EXPORTED
    }
    record.update(extra)
    return record


def _all(model, *where, order=None) -> list:
    stmt = select(model).where(*where)
    return list(db.session.scalars(stmt.order_by(order if order is not None else model.id)))


def collect_personal_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about the person, one list of records per kind (a CSV each)."""
    uid = user.id
    units = tree()
    names = dict(db.session.execute(select(User.id, User.name)).tuples().all())
    titles = dict(db.session.execute(select(Post.id, Post.title)).tuples().all())
    data: dict[str, list[dict[str, Any]]] = {
        "profile": [_record(user, unit=units.label(user.unit_id)
                            if user.unit_id in units.names else None,
                            roles=", ".join(sorted(user.role_names)))],
        "topics": [{"topic": t.name} for t in user.topics],
    }
    shares = _all(Share, Share.user_id == uid, order=Share.created_at)
    data["shares"] = [_record(s, post=titles.get(s.post_id)) for s in shares]
    data["clicks"] = [
        _record(c) for c in db.session.scalars(
            select(Click).join(Share, Share.id == Click.share_id)
            .where(Share.user_id == uid).order_by(Click.created_at, Click.id))
    ]
    data["activity_events"] = [
        _record(e) for e in _all(ActivityEvent, ActivityEvent.user_id == uid,
                                 order=ActivityEvent.occurred_at)
    ]
    data["monthly_activity"] = [
        _record(m, month_key=f"{m.month // 12:04d}-{m.month % 12 + 1:02d}")
        for m in _all(PersonMonth, PersonMonth.user_id == uid, order=PersonMonth.month)
    ]
    data["unit_history"] = [
        _record(m) for m in _all(UnitMembership, UnitMembership.user_id == uid,
                                 order=UnitMembership.valid_from)
    ]
    data["queue_decisions"] = [_record(d) for d in _all(QueueDecision,
                                                        QueueDecision.user_id == uid)]
    data["queue_impressions"] = [_record(i) for i in _all(QueueImpression,
                                                          QueueImpression.user_id == uid)]
    profile = db.session.get(AmbassadorProfile, uid)
    data["ambassador_profile"] = [_record(profile)] if profile else []
    data["guideline_acceptances"] = [
        _record(g) for g in _all(GuidelineAcceptance, GuidelineAcceptance.user_id == uid)
    ]
    data["kudos_received"] = [
        _record(k, sender=names.get(k.from_user_id))
        for k in _all(Kudos, Kudos.to_user_id == uid, order=Kudos.created_at)
    ]
    data["kudos_given"] = [
        _record(k, recipient=names.get(k.to_user_id))
        for k in _all(Kudos, Kudos.from_user_id == uid, order=Kudos.created_at)
    ]
    data["endorsements"] = [
        _record(e, post=titles.get(e.post_id))
        for e in _all(Endorsement, Endorsement.leader_id == uid, order=Endorsement.created_at)
    ]
    data["endorsement_requests"] = [
        _record(r, post=titles.get(r.post_id), leader=names.get(r.leader_id),
                requested_by=names.get(r.requested_by_id))
        for r in _all(EndorsementRequest, or_(EndorsementRequest.leader_id == uid,
                                              EndorsementRequest.requested_by_id == uid))
    ]
    data["stories"] = [_record(s) for s in _all(Story, Story.author_id == uid)]
    data["post_comments"] = [
        _record(c, post=titles.get(c.post_id))
        for c in _all(PostComment, PostComment.user_id == uid, order=PostComment.created_at)
    ]
    data["post_revisions"] = [
        _record(r, post=titles.get(r.post_id))
        for r in _all(PostRevision, PostRevision.user_id == uid, order=PostRevision.created_at)
    ]
    roles = {
        "created_by_id": "author", "submitted_by_id": "submitted", "approved_by_id": "approved",
        "credit_user_id": "credited",
    }
    data["posts"] = [
        {"post_id": p.id, "title": p.title, "status": p.status,
         "your_part": ", ".join(part for column, part in roles.items()
                                if getattr(p, column) == uid)}
        for p in _all(Post, or_(*(getattr(Post, column) == uid for column in roles)))
    ]
    takeovers = _all(Takeover, Takeover.user_id == uid, order=Takeover.day)
    data["takeovers"] = [_record(t) for t in takeovers]
    data["access_log"] = [
        {"viewed_at": _iso(a.viewed_at), "what": a.what, "viewer": names.get(a.viewer_id),
         "purpose": a.purpose}
        for a in _all(PersonalDataAccess, PersonalDataAccess.subject_id == uid,
                      order=PersonalDataAccess.viewed_at)
    ]
    data["looks_at_others"] = [
        {"viewed_at": _iso(a.viewed_at), "what": a.what, "subject_id": a.subject_id}
        for a in _all(PersonalDataAccess, PersonalDataAccess.viewer_id == uid,
                      order=PersonalDataAccess.viewed_at)
    ]
    data["own_actions"] = [
        {"created_at": _iso(e.created_at), "action": e.action, "target_type": e.target_type,
         "target_id": e.target_id}
        for e in _all(AuditEntry, AuditEntry.actor_id == uid, order=AuditEntry.created_at)
    ]
    data["notices"] = [_record(n) for n in _all(NoticeDelivery, NoticeDelivery.user_id == uid)]
    data["exports"] = [_record(e) for e in _all(DataExport, DataExport.user_id == uid)]
    data["dashboard_state"] = [
        _record(p) for p in _all(PersonState, PersonState.user_id == uid, order=PersonState.user_id)
    ]
    data["reminders"] = [
        _record(r) for r in _all(Reminder, Reminder.user_id == uid, order=Reminder.due_at)
    ]
    data["reminder_preferences"] = [
        _record(p) for p in _all(ReminderPreference, ReminderPreference.user_id == uid,
                                 order=ReminderPreference.user_id)
    ]
    data["reminder_links_used"] = [
        {"used_at": _iso(t.used_at)}
        for t in _all(UsedToken, UsedToken.user_id == uid, order=UsedToken.used_at)
    ]
    return data


# --- erasure ------------------------------------------------------------------------------


def anonymise_activity(person_id: int) -> None:
    """Shares and events stay for the unit totals; nothing in them points at the person now."""
    db.session.execute(
        update(Share).where(Share.user_id == person_id)
        .values(user_id=None, text="",
                token=literal(ERASED_LINK_PREFIX, String) + cast(Share.id, String))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ActivityEvent).where(ActivityEvent.user_id == person_id).values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(PersonMonth).where(PersonMonth.user_id == person_id))


def erase_participation(person_id: int) -> None:
    """What taking part left behind, for someone who keeps their account for other work."""
    anonymise_activity(person_id)
    for model in (QueueDecision, QueueImpression, AmbassadorProfile, GuidelineAcceptance,
                  Reminder, PersonState):
        db.session.execute(delete(model).where(model.user_id == person_id))
    db.session.execute(delete(Kudos).where(Kudos.to_user_id == person_id))
    db.session.execute(delete(user_topics).where(user_topics.c.user_id == person_id))


def erase_rows(person_id: int) -> list[Path]:
    """Delete or anonymise every row about the person; return photo files to remove."""
    anonymise_activity(person_id)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    in_posts = select(Post.image_name).where(Post.image_name.is_not(None))
    photos = [
        upload_dir / name for name in db.session.scalars(
            select(Story.photo_name).where(
                Story.author_id == person_id, Story.photo_name.is_not(None),
                Story.photo_name.not_in(in_posts)))
        if name is not None and "/" not in name and "\\" not in name
    ]
    # Texts the person wrote in other people's records go with the person.
    db.session.execute(delete(Story).where(Story.author_id == person_id))
    db.session.execute(delete(PostComment).where(PostComment.user_id == person_id))
    db.session.execute(delete(Kudos).where(
        or_(Kudos.from_user_id == person_id, Kudos.to_user_id == person_id)))
    db.session.execute(
        update(EndorsementRequest).where(EndorsementRequest.requested_by_id == person_id)
        .values(requested_by_id=None, note="")
    )
    db.session.execute(update(Programme).where(Programme.updated_by_id == person_id)
                       .values(updated_by_id=None))
    _sweep(person_id)
    db.session.execute(delete(User).where(User.id == person_id))
    return photos


def _sweep(person_id: int) -> None:
    """Every other reference to the person, as its foreign key declares: rows that belong to
    them are deleted (CASCADE), references from shared records are cut (SET NULL)."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "users":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "users":
                continue
            column = fk.parent
            if fk.ondelete == "CASCADE":
                db.session.execute(delete(table).where(column == person_id))
            elif fk.ondelete == "SET NULL":
                db.session.execute(update(table).where(column == person_id)
                                   .values({column.key: None}))
            else:  # pragma: no cover - caught by tests/privacy/test_export_erasure.py
                raise RuntimeError(f"{table.name}.{column.key}: say what erasure does with it")


# --- files go only once the erasure is committed --------------------------------------------


def remove_after_commit(paths: list[Path]) -> None:
    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    after_commit(remove)
