"""Curators import the employee list and deactivate people who left."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from advocacy.access import CURATOR, roles_required
from advocacy.accounts import service as accounts_service
from advocacy.accounts.models import User
from advocacy.audit import service as audit
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.pagination import paginate
from advocacy.people import service
from advocacy.people.forms import ConfirmForm, ImportForm
from advocacy.people.service import ImportFileError

bp = Blueprint("people", __name__, url_prefix="/curate/people")


# The report lists at most this many problem rows (the counts are always complete).
SHOWN_ERRORS = 200


def _check(data: bytes) -> service.ImportPlan:
    """Read what the check needs, end the transaction, then check the file with no lock held
    (a POST begins IMMEDIATE on SQLite; parsing a large file takes seconds)."""
    importer = service.Importer.of(current_user)
    try:
        directory = service.load_directory()
    finally:
        db.session.rollback()
    return service.parse(data, by=importer, directory=directory)


def _imports_dir() -> Path:
    directory = Path(current_app.config["INSTANCE_DIR"]) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _pending_path(token: str) -> Path:
    return _imports_dir() / f"{current_user.id}-{token}.csv"


# An import being written keeps a note beside its file: how many people it has and how many
# are written. The note outlives a failed or killed confirm, so the curator sees that the
# file is not fully imported and can finish it (confirming again is idempotent).
STALLED_AFTER = timedelta(minutes=2)  # a note not touched for this long: the writer stopped


def _write_note(path: Path, *, total: int, done: int, started: str,
                stopped: bool = False) -> None:
    note = {"total": total, "done": done, "started": started, "stopped": stopped,
            "touched": utcnow().isoformat()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(note))
    tmp.replace(path.with_suffix(".json"))


def unfinished_imports() -> list[dict]:
    """The current curator's imports that were started and not finished, oldest first."""
    found = []
    for note_path in _imports_dir().glob(f"{current_user.id}-*.json"):
        csv_path = note_path.with_suffix(".csv")
        try:
            note = json.loads(note_path.read_text())
        except (OSError, ValueError):
            continue
        if not csv_path.exists():
            note_path.unlink(missing_ok=True)
            continue
        touched = datetime.fromisoformat(note["touched"])
        found.append({"token": note_path.stem.split("-", 1)[1], "total": note["total"],
                      "done": note["done"], "started": datetime.fromisoformat(note["started"]),
                      "running": not note.get("stopped")
                      and utcnow() - touched < STALLED_AFTER})
    return sorted(found, key=lambda item: item["started"])


@bp.get("")
@roles_required(CURATOR)
def index():
    query = request.args.get("q", "").strip()
    show = request.args.get("show", "active")
    stmt = select(User).order_by(func.lower(User.name))
    if show == "inactive":
        stmt = stmt.where(User.active.is_(False))
    else:
        show = "active"
        stmt = stmt.where(User.active.is_(True))
    if query:
        stmt = stmt.where(accounts_service.user_search(query))
    page = paginate(stmt, request.args.get("page", 1), per_page=50)
    actor = service.Importer.of(current_user)

    def may_change(person: User) -> bool:
        """The same rule the import and the buttons' POST use (service.change_problem)."""
        return person.id != actor.id and service.change_problem(
            actor, person.id, person.role_names, changes=True) is None

    return render_template("people/index.html", page=page, query=query, show=show,
                           may_change=may_change)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(CURATOR)
def upload():
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.stream.read(service.MAX_IMPORT_BYTES + 1)
        try:
            plan = _check(data)
        except ImportFileError as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            token = secrets.token_urlsafe(16)
            _pending_path(token).write_bytes(data)
            confirm = ConfirmForm(token=token)
            return render_template("people/report.html", plan=plan, confirm=confirm,
                                   shown_errors=SHOWN_ERRORS)
    return render_template("people/import.html", form=form, max_rows=service.MAX_ROWS,
                           max_mb=service.MAX_IMPORT_MB, unfinished=unfinished_imports(),
                           finish=ConfirmForm()), (400 if form.errors else 200)


@bp.post("/import/confirm")
@roles_required(CURATOR)
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = _pending_path(form.token.data)
    if not path.exists():
        flash(_("This import has expired or was already done. Upload the file again."), "error")
        return redirect(url_for("people.upload"))
    try:
        plan = _check(path.read_bytes())
    except ImportFileError as exc:
        flash(str(exc), "error")
        return redirect(url_for("people.upload"))
    # On SQLite batches of their own (see service.apply): the write lock is held per batch
    # only. On PostgreSQL one transaction: an import's rows lock only themselves.
    total = len(plan.new) + len(plan.updated)
    started = utcnow().isoformat()
    _write_note(path, total=total, done=0, started=started)
    batched = db.session.get_bind().dialect.name == "sqlite"
    written = 0

    def progress(done: int) -> None:
        nonlocal written
        written = done
        _write_note(path, total=total, done=done, started=started)

    try:
        result = service.apply(plan, now=utcnow(), commit=db.session.commit if batched else None,
                               progress=progress)
        audit.record(current_user.id, "people.import", now=utcnow(), target_type="import",
                     details={"created": result.created, "updated": result.updated,
                              "unchanged": result.unchanged})
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("people import stopped after %d of %d", written, total)
        _write_note(path, total=total, done=written, started=started, stopped=True)
        flash(_("The import stopped: the database refused a write after %(done)d of %(total)d "
                "people. The rest is not written yet; finish the import below.",
                done=written, total=total) if written else
              _("The import could not be written; nothing was changed. Try again below."),
              "error")
        return redirect(url_for("people.upload"))
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)
    flash(_("Import done: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.",
            created=result.created, updated=result.updated, unchanged=result.unchanged),
          "success")
    return redirect(url_for("people.index"))


def _set_active(user_id: int, active: bool):
    person = db.get_or_404(User, user_id)
    try:
        service.set_active(person, active, by=current_user, now=utcnow())
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("people.index"))
    audit.record(current_user.id, "user.reactivate" if active else "user.deactivate",
                 now=utcnow(), target_type="user", target_id=person.id)
    db.session.commit()
    flash(_("%(name)s is deactivated; their history is kept.", name=person.name) if not active
          else _("%(name)s is active again.", name=person.name), "success")
    return redirect(url_for("people.index", show="active" if active else "inactive"))


@bp.post("/<int:user_id>/deactivate")
@roles_required(CURATOR)
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/reactivate")
@roles_required(CURATOR)
def reactivate(user_id: int):
    return _set_active(user_id, True)
