"""Export links: tampered, expired, replayed or someone else's are refused and change nothing.
The audit log records admin and curator actions and is listed for admins."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from advocacy.audit.models import AuditEntry
from advocacy.db import utcnow
from advocacy.privacy.exports import EXPORT_SALT, build_export, export_token, request_export
from advocacy.privacy.models import DataExport, ExportStatus
from tests import factories as f


def ready_export(app, person, now=None):
    now = now or utcnow()
    export = request_export(person, now)
    build_export(export.id, now)
    return export, export_token(export, app.config["SECRET_KEY"])


def state(session, export_id):
    row = session.get(DataExport, export_id)
    session.refresh(row)
    return row.status, row.content is not None


def test_export_request_then_job_then_download_once(app, client, login, db_session):
    person = f.user()
    login(person)
    assert client.post("/privacy/export").status_code == 302
    export = db_session.scalar(select(DataExport))
    assert export.status == ExportStatus.PENDING
    from worker.privacy_tasks import build_exports

    assert build_exports() == 1  # the job, called directly
    page = client.get("/privacy/export").get_data(as_text=True)
    assert "/privacy/export/" in page
    token = export_token(export, app.config["SECRET_KEY"])
    first = client.get(f"/privacy/export/{token}")
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert first.data[:2] == b"PK"
    replay = client.get(f"/privacy/export/{token}")
    assert replay.status_code == 410 and "already been used" in replay.get_data(as_text=True)
    assert state(db_session, export.id) == (ExportStatus.DOWNLOADED, False)


def test_tampered_link_is_refused_and_changes_nothing(app, client, login, db_session):
    person = f.user()
    export, token = ready_export(app, person)
    login(person)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", token + "x",
                export_token(export, "another-secret")):
        response = client.get(f"/privacy/export/{bad}")
        assert response.status_code == 400, bad
        assert "not valid" in response.get_data(as_text=True)
    assert state(db_session, export.id) == (ExportStatus.READY, True)


def test_forged_nonce_is_refused(app, client, login, db_session):
    from itsdangerous import URLSafeTimedSerializer

    person = f.user()
    export, _ = ready_export(app, person)
    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=EXPORT_SALT).dumps(
        {"e": export.id, "n": "guess"})
    login(person)
    assert client.get(f"/privacy/export/{forged}").status_code == 400
    assert state(db_session, export.id) == (ExportStatus.READY, True)


def test_expired_link_is_refused_and_changes_nothing(app, client, login, db_session):
    person = f.user()
    now = utcnow()
    export, token = ready_export(app, person, now)
    with time_machine.travel(now + timedelta(days=8), tick=False):
        login(person)
        response = client.get(f"/privacy/export/{token}")
        assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert state(db_session, export.id) == (ExportStatus.READY, True)


def test_someone_elses_link_is_refused(app, client, login, db_session):
    owner, other = f.user(), f.user()
    export, token = ready_export(app, owner)
    login(other)
    assert client.get(f"/privacy/export/{token}").status_code == 404
    assert state(db_session, export.id) == (ExportStatus.READY, True)


def test_curator_and_admin_actions_are_audited_and_listed(client, login, db_session):
    curator = f.user("curator")
    login(curator)
    client.post("/curate/topics", data={"name": "Rekruttering"})
    client.post("/curate/posts/new", data={
        "title": "Ny stilling", "link": "https://example.org/j", "kind": "news",
        "status": "live", "text_linkedin": "Bli med!"})
    client.post("/curate/programme", data={"purpose": "Formål", "guidelines": "Regler"})
    client.post("/logout")
    admin = f.user("admin")
    login(admin)
    client.post("/admin/units", data={"name": "Helse", "parent_id": "0"})
    client.post("/admin/users/new", data={"email": "ny@example.org", "name": "Ny Person",
                                          "roles": ["ambassador"], "unit_id": "0"})
    rows = db_session.execute(select(AuditEntry.actor_id, AuditEntry.action)
                              .order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [
        (curator.id, "topic.create"), (curator.id, "post.create"),
        (curator.id, "programme.update"), (admin.id, "unit.create"), (admin.id, "user.create")]
    page = client.get("/admin/audit").get_data(as_text=True)
    # shown as readable sentences (issue 14), never as keys
    assert "<td>Added a topic</td>" in page and "<td>Added a person</td>" in page
    assert "topic.create</td>" not in page
    filtered = client.get("/admin/audit?action=unit.create").get_data(as_text=True)
    assert "<td>Added a unit</td>" in filtered and "<td>Added a topic</td>" not in filtered
    by_actor = client.get(f"/admin/audit?actor={curator.id}").get_data(as_text=True)
    assert "<td>Added a person</td>" not in by_actor and "<td>Created a post</td>" in by_actor
    # nothing personal in the details
    for entry in db_session.scalars(select(AuditEntry)):
        assert "Ny Person" not in str(entry.details) and "ny@example.org" not in str(entry.details)
