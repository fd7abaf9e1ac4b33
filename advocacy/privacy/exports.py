"""A person's export of their data: requested, built by a job as a ZIP (JSON and CSV),
downloaded once through a signed link, expired after a few days.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from advocacy.accounts.models import User
from advocacy.csvsafe import to_csv
from advocacy.db import rowcount
from advocacy.extensions import db
from advocacy.privacy import personal
from advocacy.privacy.models import DataExport, ExportStatus
from advocacy.privacy.settings import get_settings
from advocacy.security import tokens_equal

EXPORT_SALT = "advocacy.privacy.export"


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
    user = db.session.get_one(User, export.user_id)  # deleted with its person (CASCADE)
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
    return rowcount(db.session.execute(
        update(DataExport)
        .where(DataExport.status == ExportStatus.READY, DataExport.expires_at <= now)
        .values(status=ExportStatus.EXPIRED, content=None)
    ))
