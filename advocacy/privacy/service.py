"""Participation, the per-person switch, the access log, export, erasure and retention."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select, update

from advocacy.accounts.models import Role, RoleName, User
from advocacy.accounts.service import ancestor_ids
from advocacy.activity.retention import prune_raw
from advocacy.audit import describe
from advocacy.audit import service as audit
from advocacy.csvsafe import to_csv
from advocacy.extensions import db
from advocacy.folding import fold_flat
from advocacy.privacy import personal
from advocacy.privacy.models import (
    DataExport,
    ExportStatus,
    NoticeDelivery,
    PersonalDataAccess,
    PrivacyNotice,
    PrivacySettings,
)
from advocacy.programme.models import Programme
from advocacy.programme.service import get_programme
from advocacy.recruitment.service import anonymise_applications
from advocacy.security import tokens_equal
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

MIN_NOTICE_DAYS = 42
NOTICE_PERSON_VIEW = "person_view"
EXPORT_SALT = "advocacy.privacy.export"


class PrivacyError(ValueError):
    """Bad input for a privacy operation: field -> message, shown next to the field."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(errors)
        self.errors = errors


# --- legal bases (GDPR art. 6(1)) -------------------------------------------------------

LEGAL_BASES: dict[str, Any] = {
    "consent": _l("Consent (GDPR art. 6(1)(a)): you joined the programme yourself"),
    "contract": _l("Contract (GDPR art. 6(1)(b))"),
    "legal_obligation": _l("Legal obligation (GDPR art. 6(1)(c))"),
    "public_task": _l("Public task (GDPR art. 6(1)(e))"),
    "legitimate_interests": _l("Legitimate interests (GDPR art. 6(1)(f))"),
}
describe.value_labels("legal_basis", LEGAL_BASES)  # the audit log names them
LEGITIMATE_INTERESTS_WARNING = _l(
    "Legitimate interests is not available to public authorities for processing they carry "
    "out in the performance of their tasks (GDPR art. 6(1), last paragraph). Public bodies "
    "should choose another basis."
)


def get_settings() -> PrivacySettings:
    settings = db.session.get(PrivacySettings, 1)
    if settings is None:
        settings = PrivacySettings(id=1)
        db.session.add(settings)
        db.session.flush()
    return settings


def legal_basis_warning(legal_basis: str, public_authority: bool) -> str | None:
    if legal_basis == "legitimate_interests" and public_authority:
        return str(LEGITIMATE_INTERESTS_WARNING)
    return None


def update_settings(
    *,
    controller_name: str,
    controller_contact: str,
    dpo_contact: str,
    legal_basis: str,
    public_authority: bool,
    audit_retention_days: int,
    erase_after_days: int,
    retention_days: int,
    min_group_size: int,
    by_user_id: int | None,
    now: datetime,
) -> PrivacySettings:
    errors: dict[str, Any] = {}
    if legal_basis not in LEGAL_BASES:
        errors["legal_basis"] = _l("Choose a legal basis.")
    for name, value, low in (
        ("audit_retention_days", audit_retention_days, 30),
        ("erase_after_days", erase_after_days, 0),
        ("retention_days", retention_days, 1),
        ("min_group_size", min_group_size, 2),
    ):
        if value is None or value < low or value > 36500:
            errors[name] = _l("Enter a number from %(low)d to %(high)d.", low=low, high=36500)
    if errors:
        raise PrivacyError(errors)
    settings = get_settings()
    settings.controller_name = controller_name.strip()
    settings.controller_contact = controller_contact.strip()
    settings.dpo_contact = dpo_contact.strip()
    settings.legal_basis = legal_basis
    settings.public_authority = public_authority
    settings.audit_retention_days = audit_retention_days
    settings.erase_after_days = erase_after_days
    programme = _programme()
    programme.retention_days = retention_days
    programme.min_group_size = min_group_size
    audit.record(by_user_id, "privacy.settings", now=now, target_type="privacy_settings",
                 target_id=1, details={"legal_basis": legal_basis})
    db.session.flush()
    return settings


def _programme() -> Programme:
    return get_programme()


# --- participation ----------------------------------------------------------------------


def join(user: User, now: datetime) -> None:
    """Opt in; rejoining after leaving starts a fresh membership."""
    if user.is_participant:
        return
    user.joined_at = now
    user.left_at = None
    db.session.flush()


def leave(user: User, now: datetime) -> None:
    """Opt out: gone from leader views at once; personal data is erased after the set time."""
    if user.joined_at is None or user.left_at is not None:
        return
    user.left_at = now
    user.named_opt_in = False
    db.session.flush()


def set_named(user: User, named: bool) -> None:
    """Being named on kudos walls and leaderboards is the person's own choice, read live."""
    user.named_opt_in = bool(named) and user.is_participant
    db.session.flush()


def fold_small_groups(counts: dict[str, int], minimum: int, other: str = "other") -> dict:
    """Sizes after folding (advocacy.folding.fold_flat): groups under the minimum,
    and while "other" is still too small the smallest shown group too, go to `other`."""
    out: dict[str, int] = {}
    for name, target in fold_flat(counts, minimum).items():
        key = other if target == "other" else name
        out[key] = out.get(key, 0) + counts[name]
    return out


# --- the per-person leader view ---------------------------------------------------------


def person_view_active(now: datetime) -> bool:
    settings = get_settings()
    return bool(
        settings.person_view_enabled
        and settings.person_view_effective_at is not None
        and now >= settings.person_view_effective_at
    )


def earliest_effective(now: datetime) -> datetime:
    return now + timedelta(days=MIN_NOTICE_DAYS)


def switch_person_view_on(
    *,
    purpose: str,
    consulted_on: date | None,
    dpia_reference: str,
    effective_at: datetime | None,
    by_user_id: int | None,
    now: datetime,
) -> PrivacyNotice:
    """Only with recorded purpose, consultation, DPIA and a date far enough ahead; tell all."""
    errors: dict[str, Any] = {}
    if not purpose.strip():
        errors["purpose"] = _l("Record the purpose of named per-person views.")
    if consulted_on is None:
        errors["consulted_on"] = _l("Record when employee representatives were consulted.")
    elif consulted_on > now.date():
        errors["consulted_on"] = _l("The consultation must already have taken place.")
    if not dpia_reference.strip():
        errors["dpia_reference"] = _l("Give the reference of the data protection impact "
                                      "assessment (DPIA).")
    if effective_at is None:
        effective_at = earliest_effective(now)
    elif effective_at < earliest_effective(now) - timedelta(minutes=1):
        errors["effective_at"] = _l(
            "People must be told at least %(days)d days before the views start.",
            days=MIN_NOTICE_DAYS,
        )
    if errors:
        raise PrivacyError(errors)
    settings = get_settings()
    settings.person_view_enabled = True
    settings.person_view_purpose = purpose.strip()
    settings.person_view_consulted_on = consulted_on
    settings.person_view_dpia_reference = dpia_reference.strip()
    settings.person_view_notice_at = now
    settings.person_view_effective_at = effective_at
    notice = PrivacyNotice(
        kind=NOTICE_PERSON_VIEW, created_at=now, effective_at=effective_at, purpose=purpose.strip()
    )
    db.session.add(notice)
    db.session.flush()
    audit.record(by_user_id, "privacy.person_view_on", now=now, target_type="privacy_settings",
                 target_id=1, details={"notice_id": notice.id,
                                       "effective_at": effective_at.isoformat(),
                                       "dpia_reference": settings.person_view_dpia_reference})
    return notice


def switch_person_view_off(*, by_user_id: int | None, now: datetime) -> None:
    """Switching off works at once; no notice period is needed to see less."""
    settings = get_settings()
    settings.person_view_enabled = False
    settings.person_view_effective_at = None
    audit.record(by_user_id, "privacy.person_view_off", now=now, target_type="privacy_settings",
                 target_id=1)
    db.session.flush()


def unseen_notices(user: User) -> list[PrivacyNotice]:
    """Notices the person has not yet marked as read, newest first (the in-app banner)."""
    seen = select(NoticeDelivery.notice_id).where(
        NoticeDelivery.user_id == user.id, NoticeDelivery.seen_at.is_not(None)
    )
    return list(db.session.scalars(
        select(PrivacyNotice)
        .where(PrivacyNotice.id.not_in(seen), PrivacyNotice.created_at >= user.created_at)
        .order_by(PrivacyNotice.created_at.desc())
    ))


def _delivery(notice_id: int, user_id: int) -> NoticeDelivery:
    row = db.session.scalar(select(NoticeDelivery).where(
        NoticeDelivery.notice_id == notice_id, NoticeDelivery.user_id == user_id))
    if row is None:
        row = NoticeDelivery(notice_id=notice_id, user_id=user_id)
        db.session.add(row)
    return row


def mark_notice_seen(user: User, notice_id: int, now: datetime) -> bool:
    if db.session.get(PrivacyNotice, notice_id) is None:
        return False
    row = _delivery(notice_id, user.id)
    row.seen_at = row.seen_at or now
    db.session.flush()
    return True


# Sends one notice to one person (advocacy/privacy/mailer.py); False: nobody to reach.
Sender = Callable[[User, PrivacyNotice], bool]


def send_notice_emails(
    send: Sender, now: datetime, after_each: Callable[[], None] | None = None
) -> int:
    """E-mail every active person each notice once. The caller commits after each message
    (``after_each``), so a crash midway resends only to those not yet marked."""
    sent = 0
    for notice in db.session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.id)).all():
        mailed = select(NoticeDelivery.user_id).where(
            NoticeDelivery.notice_id == notice.id, NoticeDelivery.emailed_at.is_not(None))
        people = db.session.scalars(
            select(User).where(User.active.is_(True), User.id.not_in(mailed)).order_by(User.id)
        ).all()
        for person in people:
            if not send(person, notice):
                continue
            _delivery(notice.id, person.id).emailed_at = now
            db.session.flush()
            sent += 1
            if after_each is not None:
                after_each()
    return sent


# --- the access log people see ------------------------------------------------------------


def _purpose(seeing, subject: User) -> str:
    """The recorded purpose when the look rests on the admin's switch, else the reason."""
    from advocacy.privacy import visibility  # it reads this module (person_view_active)

    seen = seeing.sees(subject)
    if visibility.BECAUSE_SWITCH in seen.reasons and visibility.BECAUSE_NAMED not in seen.reasons:
        return get_settings().person_view_purpose
    return ", ".join(str(ACCESS_REASONS.get(r, r)) for r in seen.reasons)


def _viewer(viewer: User, now: datetime):
    from advocacy.privacy import visibility  # it reads this module (person_view_active)

    return visibility.Viewer(viewer, now)


ACCESS_REASONS: dict[str, Any] = {
    "admin": _l("administrator"),
    "named": _l("you chose to be named"),
    "person_view": _l("named per-person views are in effect"),
    "stopped": _l("curators follow up regulars who stopped"),
}

# What a look was at, as the person's log says it.
ACCESS_WHAT: dict[str, Any] = {
    "person.page": _l("Your page: your figures by year, kudos and shares of endorsed posts"),
    "leader.person": _l("Your per-person figures (leader view)"),
    "health.named": _l("Your shares and clicks in the corps-health table of people who "
                       "agreed to be named (page or CSV)"),
    "health.kudos": _l("Kudos you received, on the corps-health page (page or CSV)"),
    "health.stopped": _l("Your name in the list of regulars who stopped sharing (page or CSV)"),
}


KIND_ORDER = ("name", "kudos", "activity", "stopped", "choices")
KIND_LABELS: dict[str, Any] = {
    "name": _l("your name"),
    "kudos": _l("the kudos you received"),
    "activity": _l("your shares and clicks, months with shares, shares within a day and "
                   "applications attributed to you"),
    "stopped": _l("whether you were a regular sharer who stopped (months with shares, last "
                  "month with a share)"),
    "choices": _l("what you skipped or snoozed and the stories you suggested"),
}


def audiences(person: User, now: datetime) -> list[tuple[str, Any]]:
    """What a leader of the person's unit, a curator and an administrator may see about the
    person now: the rule itself (advocacy.visibility.visibility_for), asked for each of them."""
    from advocacy.privacy import visibility  # it reads this module (person_view_active)

    facts = {"is_self": False, "participant": visibility.visible_in_leader_views(person),
             "named": bool(person.named_opt_in),
             "person_view_in_effect": person_view_active(now)}
    return [
        ("leader", visibility.visibility_for(roles={visibility.LEADER},
                                         leads_person=person.unit_id is not None, **facts)),
        ("curator", visibility.visibility_for(roles={visibility.CURATOR}, leads_person=False,
                                          **facts)),
        ("admin", visibility.visibility_for(roles={visibility.ADMIN}, leads_person=False, **facts)),
    ]


def record_personal_data_access(
    viewer: User, subject: User, *, what: str, now: datetime
) -> PersonalDataAccess:
    """Every look by someone else at one person's data: in the person's log and the audit log."""
    row = PersonalDataAccess(
        subject_id=subject.id, viewer_id=viewer.id, viewed_at=now, what=what,
        purpose=_purpose(_viewer(viewer, now), subject),
    )
    db.session.add(row)
    audit.record(viewer.id, "person.view", now=now, target_type="user", target_id=subject.id,
                 details={"what": what})
    db.session.flush()
    return row


def record_list_access(viewer: User, subject_ids: list[int], *, what: str,
                       now: datetime) -> int:
    """A list that showed several named people (a table, its CSV): one log row per person,
    one audit entry for the list."""
    ids = [i for i in subject_ids if i != viewer.id]
    if not ids:
        return 0
    subjects = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    seeing = _viewer(viewer, now)
    db.session.add_all([
        PersonalDataAccess(subject_id=s.id, viewer_id=viewer.id, viewed_at=now, what=what,
                           purpose=_purpose(seeing, s))
        for s in subjects
    ])
    audit.record(viewer.id, "person.view_list", now=now, target_type="users",
                 details={"what": what, "people": len(subjects)})
    db.session.flush()
    return len(subjects)


def accesses_for(subject: User) -> list[PersonalDataAccess]:
    return list(db.session.scalars(
        select(PersonalDataAccess)
        .where(PersonalDataAccess.subject_id == subject.id)
        .order_by(PersonalDataAccess.viewed_at.desc(), PersonalDataAccess.id.desc())
    ))


def leaders_of(person: User) -> list[User]:
    """Leaders of the person's unit or any unit above it: who could see the per-person view."""
    units = ancestor_ids(person.unit_id)
    if not units:
        return []
    return list(db.session.scalars(
        select(User).join(Role, Role.user_id == User.id)
        .where(Role.name == "leader", Role.unit_id.in_(units), User.id != person.id,
               User.active.is_(True))
        .distinct().order_by(User.name)
    ))


@dataclass
class MonthLine:
    month: str
    shares: int
    clicks: int


def leader_person_view(person: User) -> list[MonthLine]:
    """Exactly what a leader sees about one person: shares and human clicks per month."""
    share_rows = db.session.execute(
        select(Share.created_at, Share.pruned_clicks).where(Share.user_id == person.id)
    ).tuples().all()
    click_rows = db.session.execute(
        select(Share.created_at).join(Click, Click.share_id == Share.id)
        .where(Share.user_id == person.id, Click.is_bot.is_(False))
    ).scalars().all()
    months: dict[str, list[int]] = {}
    for created_at, pruned in share_rows:
        line = months.setdefault(f"{created_at:%Y-%m}", [0, 0])
        line[0] += 1
        line[1] += pruned or 0
    for created_at in click_rows:
        months.setdefault(f"{created_at:%Y-%m}", [0, 0])[1] += 1
    return [MonthLine(m, s, c) for m, (s, c) in sorted(months.items(), reverse=True)]


# --- export -------------------------------------------------------------------------------


class ExportLinkError(Exception):
    """A download link that must be refused; kind is invalid, expired, used or foreign."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def request_export(user: User, now: datetime) -> DataExport:
    """One pending export at a time; the job builds it."""
    pending = db.session.scalar(select(DataExport).where(
        DataExport.user_id == user.id, DataExport.status == ExportStatus.PENDING))
    if pending is not None:
        return pending
    export = DataExport(user_id=user.id, nonce=secrets.token_urlsafe(32), requested_at=now)
    db.session.add(export)
    db.session.flush()
    return export


def export_zip(data: dict[str, list[dict[str, Any]]]) -> bytes:
    """data.json plus one CSV per kind, formula cells escaped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, records in data.items():
            header = sorted({k for record in records for k in record}) or ["empty"]
            rows = ([record.get(k) for k in header] for record in records)
            archive.writestr(f"{name}.csv", to_csv(header, rows))
    return buffer.getvalue()


def build_export(export_id: int, now: datetime) -> DataExport | None:
    """The job: collect, zip, keep for a few days. Running it twice builds once."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status != ExportStatus.PENDING:
        return export
    user = db.session.get(User, export.user_id)
    export.content = export_zip(personal.collect_personal_data(user))
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + timedelta(days=get_settings().export_retention_days)
    db.session.flush()
    return export


def pending_export_ids() -> list[int]:
    return list(db.session.scalars(
        select(DataExport.id).where(DataExport.status == ExportStatus.PENDING)))


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=EXPORT_SALT)


def export_token(export: DataExport, secret: str) -> str:
    return _serializer(secret).dumps({"e": export.id, "n": export.nonce})


def redeem_export(
    token: str, user: User, *, secret: str, max_age: int, now: datetime
) -> DataExport:
    """Check signature, age, owner and single use; mark used and return the export."""
    try:
        payload = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ExportLinkError("expired") from exc
    except BadSignature as exc:
        raise ExportLinkError("invalid") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
        raise ExportLinkError("invalid")
    export = db.session.get(DataExport, payload["e"])
    if export is None or not tokens_equal(str(payload.get("n", "")), export.nonce):
        raise ExportLinkError("invalid")
    if export.user_id != user.id:
        raise ExportLinkError("foreign")
    if export.status == ExportStatus.DOWNLOADED:
        raise ExportLinkError("used")
    if export.status != ExportStatus.READY or export.content is None:
        raise ExportLinkError("expired")
    if export.expires_at is not None and now >= export.expires_at:
        raise ExportLinkError("expired")
    return export


def mark_downloaded(export: DataExport, now: datetime) -> bytes:
    content = export.content or b""
    export.content = None
    export.status = ExportStatus.DOWNLOADED
    export.downloaded_at = now
    db.session.flush()
    return content


def expire_exports(now: datetime) -> int:
    result = db.session.execute(
        update(DataExport)
        .where(DataExport.status == ExportStatus.READY, DataExport.expires_at <= now)
        .values(status=ExportStatus.EXPIRED, content=None)
    )
    return result.rowcount or 0


# --- erasure --------------------------------------------------------------------------------


def erase_person(person: User, *, reason: str, actor_id: int | None, now: datetime) -> int:
    """Remove the person and everything personal; their shares and clicks stay only inside
    the anonymous unit and organisation rollups (see advocacy/privacy/personal.py)."""
    person_id = person.id
    db.session.expunge(person)
    photos = personal.erase_rows(person_id)
    db.session.expire_all()
    personal.remove_after_commit(photos)
    audit.record(actor_id if actor_id != person_id else None, "person.erase", now=now,
                 target_type="user", target_id=person_id, details={"reason": reason})
    db.session.flush()
    return person_id


STAFF_ROLES = {RoleName.CURATOR, RoleName.LEADER, RoleName.ADMIN}


def end_participation(person: User, *, now: datetime) -> int:
    """Someone who left the programme but still works here as curator, leader or admin keeps
    the account; what taking part left behind is erased as for anyone else."""
    person_id = person.id
    personal.erase_participation(person_id)
    person.joined_at = None
    person.left_at = None
    person.named_opt_in = False
    audit.record(None, "person.erase_participation", now=now, target_type="user",
                 target_id=person_id, details={"reason": "left_programme"})
    db.session.flush()
    return person_id


def erase_due(now: datetime) -> list[int]:
    """People who left the programme or the organisation more than the set days ago."""
    days = get_settings().erase_after_days
    cutoff = now - timedelta(days=days)
    due = list(db.session.scalars(select(User).where(or_(
        User.left_at < cutoff,
        # reactivated people keep their old deactivated_at but are not due
        and_(User.active.is_(False), User.deactivated_at < cutoff),
    )).order_by(User.id)))
    erased = []
    for person in due:
        left_organisation = not person.active and person.deactivated_at is not None \
            and person.deactivated_at < cutoff
        if not left_organisation and person.active and person.role_names & STAFF_ROLES:
            erased.append(end_participation(person, now=now))
            continue
        reason = "left_organisation" if left_organisation else "left_programme"
        erased.append(erase_person(person, reason=reason, actor_id=None, now=now))
    return erased


@dataclass
class RetentionReport:
    clicks_pruned: int
    events_pruned: int
    audit_pruned: int
    exports_expired: int
    people_erased: int
    applications_anonymised: int = 0


def run_retention(now: datetime, tz: ZoneInfo | None = None) -> RetentionReport:
    """The scheduled job: erase leavers, prune raw clicks and events the rollups hold, old
    audit rows and expired exports. Running it twice changes nothing more."""
    from advocacy.orgtime import org_tz

    settings = get_settings()
    erased = erase_due(now)
    pruned = prune_raw(now, _programme().retention_days, tz or org_tz())
    audits = audit.prune(now, settings.audit_retention_days)
    if audits:
        audit.record(None, "audit.prune", now=now, target_type="audit_entries",
                     details={"entries": audits, "keep_days": settings.audit_retention_days})
    exports = expire_exports(now)
    applications = anonymise_applications(now, _programme().retention_days)
    return RetentionReport(pruned.clicks, pruned.events, audits, exports, len(erased),
                           applications)
