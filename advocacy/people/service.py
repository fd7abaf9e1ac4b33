"""People import from CSV (HR keeps the list) and deactivating people who left.

The whole file is checked first and nothing is written until the curator confirms. Writing
uses a few bulk statements per batch of rows: no query per row. Who may change whom is one
rule, `change_problem`, used by the import and by the people page alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from advocacy.accounts.models import Role, RoleName, User
from advocacy.accounts.units import tree
from advocacy.config import LANGUAGES
from advocacy.csvsafe import (  # noqa: F401  (also read here)
    ImportFileError,
    decode,
    header_columns,
    sniff_delimiter,
)
from advocacy.db import commit_retrying, utcnow
from advocacy.extensions import db

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_MB = MAX_IMPORT_BYTES // (1024 * 1024)
# The most people one file may hold: checked and written in a few seconds, inside one web
# request (docs/curation.md, "Import size"). Larger lists are imported in parts.
MAX_ROWS = 10_000
# People per write transaction: on SQLite the write lock is held for one batch at a time.
WRITE_BATCH = 250

HEADERS = {
    "email": ("email", "e-mail", "epost", "e-post", "mail", "e-mail address"),
    "name": ("name", "navn", "full name", "fullt navn", "fulde navn"),
    "unit": ("unit", "enhet", "enhed", "department", "avdeling", "afdeling"),
    "title": ("title", "tittel", "titel", "stilling", "profession", "job title"),
    "language": ("language", "språk", "sprog", "locale", "lang"),
    "roles": ("roles", "role", "roller", "rolle"),
}
ROLE_WORDS = {
    "ambassador": RoleName.AMBASSADOR, "ambassadør": RoleName.AMBASSADOR,
    "curator": RoleName.CURATOR, "kurator": RoleName.CURATOR,
    "leader": RoleName.LEADER, "leder": RoleName.LEADER,
}
ADMIN_WORDS = {"admin", "administrator"}
_ROLE_SPLIT = re.compile(r"[|+/,;\s]+")
_PATH_SPLIT = re.compile(r"\s*(?:›|>|/)\s*")


@dataclass
class RowError:
    line: int
    email: str
    reason: str


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    unit_id: int | None
    title: str | None
    locale: str | None
    roles: set[str]
    existing_id: int | None = None
    changes: dict = field(default_factory=dict)
    new_roles: set[str] = field(default_factory=set)


@dataclass
class ImportPlan:
    encoding: str
    delimiter: str
    rows: list[ImportRow]
    errors: list[RowError]

    @property
    def new(self) -> list[ImportRow]:
        return [r for r in self.rows if r.existing_id is None]

    @property
    def updated(self) -> list[ImportRow]:
        return [r for r in self.rows if r.existing_id and (r.changes or r.new_roles)]

    @property
    def unchanged(self) -> list[ImportRow]:
        return [r for r in self.rows if r.existing_id and not (r.changes or r.new_roles)]


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int


# --- who may change whom: one rule for the import and the people page --------------------


@dataclass(frozen=True)
class Importer:
    """The person doing the change, as plain values (checking a file holds no ORM state)."""

    id: int
    roles: frozenset[str]

    @classmethod
    def of(cls, user: User) -> Importer:
        return cls(id=user.id, roles=frozenset(user.role_names))

    @property
    def is_admin(self) -> bool:
        return RoleName.ADMIN in self.roles


def grantable_roles(actor: Importer) -> set[str]:
    """Roles the actor may give by hand. Curators add employees to the programme
    (ambassador); leader and curator carry powers over others, so only administrators
    give them (on the administration pages or by import)."""
    if actor.is_admin:
        return {RoleName.AMBASSADOR, RoleName.CURATOR, RoleName.LEADER, RoleName.ADMIN}
    if RoleName.CURATOR in actor.roles:
        return {RoleName.AMBASSADOR}
    return set()


def change_problem(actor: Importer, person_id: int | None, person_roles: set[str], *,
                   new_roles: Set[str] = frozenset(), changes: bool = False,
                   by_import: bool = False):
    """Why `actor` may not make this change to a person (None: allowed).

    `person_id` None is a new person. Nobody changes their own roles; an administrator's
    account is changed only by an administrator by hand, never by an import; roles given
    must be ones the actor may give (`grantable_roles`).
    """
    if person_id is not None and RoleName.ADMIN in person_roles and (changes or new_roles):
        if by_import:
            return _l("This person is an administrator; an import never changes an "
                      "administrator's account.")
        if not actor.is_admin:
            return _l("Only an administrator may change an administrator's account.")
    if person_id is not None and person_id == actor.id and new_roles:
        return _l("You cannot change your own roles.")
    denied = sorted(set(new_roles) - grantable_roles(actor))
    if denied:
        return _l("You may not give the role “%(role)s”; ask an administrator.",
                  role=", ".join(denied))
    return None


@dataclass
class Directory:
    """What a check needs from the database, read once so the check itself holds no lock."""

    by_name: dict[str, list[int]]
    by_path: dict[str, int]
    existing: dict[str, tuple]
    roles_of: dict[int, set[str]]


def load_directory() -> Directory:
    by_name, by_path = _unit_lookup()
    existing = {
        row.email.lower(): tuple(row)
        for row in db.session.execute(
            select(User.id, User.email, User.name, User.title, User.unit_id, User.locale,
                   User.active)
        )
    }
    roles_of: dict[int, set[str]] = {}
    for user_id, role in db.session.execute(select(Role.user_id, Role.name)):
        roles_of.setdefault(user_id, set()).add(role)
    return Directory(by_name, by_path, existing, roles_of)


_KNOWN = ("id", "email", "name", "title", "unit_id", "locale", "active")


def _unit_lookup() -> tuple[dict[str, list[int]], dict[str, int]]:
    units = tree()
    by_name: dict[str, list[int]] = {}
    by_path: dict[str, int] = {}
    for uid, name in units.names.items():
        by_name.setdefault(name.casefold(), []).append(uid)
        by_path["/".join(part.casefold() for part in units.path(uid))] = uid
    return by_name, by_path


def _malformed(line: int, exc: Exception) -> ImportFileError:
    if "unexpected end of data" in str(exc) or "EOF" in str(exc):
        return ImportFileError(_l(
            "Line %(line)d is not valid CSV: a quote (\") opened there is never closed. "
            "Nothing was imported; fix the line and upload the file again.", line=line))
    return ImportFileError(_l(
        "Line %(line)d is not valid CSV (%(reason)s). Nothing was imported; fix the line "
        "and upload the file again.", line=line, reason=str(exc)))


def parse(data: bytes, *, by: Importer, directory: Directory | None = None) -> ImportPlan:
    """Check every row (against `directory`, else three queries) and plan the changes.

    The file is read as strict CSV, one row at a time: a quote that is never closed, or any
    other malformed line, refuses the whole file naming the line where it starts."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_l("The file is larger than %(limit)d MB. Split it into parts.",
                                 limit=MAX_IMPORT_MB))
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError(_l("The file is empty."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter,
                        strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise _malformed(1, exc) from exc
    columns = header_columns(header, HEADERS)
    missing = [name for name in ("email", "name") if name not in columns]
    if missing:
        raise ImportFileError(_l(
            "The first line must name the columns; “email” and “name” are required "
            "(also possible: unit, title, language, roles)."
        ))
    directory = directory or load_directory()
    by_name, by_path = directory.by_name, directory.by_path
    existing = directory.existing
    roles_of = directory.roles_of
    width = len(header)

    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}

    def cell(values: list[str], name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(values):
            return ""
        return values[index].strip()

    start = reader.line_num + 1
    try:
        for values in reader:
            line = start  # a quoted cell may span lines: the row's first line is named
            start = reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise ImportFileError(_l("The file has more than %(n)d rows. Import the list in "
                                         "parts of at most %(n)d people.", n=MAX_ROWS))
            raw_email = cell(values, "email")
            problems: list[str] = []
            if any(v.strip() for v in values[width:]):
                problems.append(str(_l(
                    "This line has %(cells)d cells but the header names %(columns)d; a cell "
                    "with the separator in it must be in quotes.",
                    cells=len(values), columns=width)))
            email = ""
            try:
                email = validate_email(raw_email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                problems.append(str(_l("“%(value)s” is not a valid e-mail address.",
                                       value=raw_email)))
            name = " ".join(cell(values, "name").split())
            if not name:
                problems.append(str(_l("The name is missing.")))
            elif len(name) > 200:
                problems.append(str(_l("The name is longer than %(n)d characters.", n=200)))
            unit_id = None
            unit_text = cell(values, "unit")
            if unit_text:
                path = "/".join(_PATH_SPLIT.split(unit_text.casefold()))
                if path in by_path:
                    unit_id = by_path[path]
                else:
                    matches = by_name.get(unit_text.casefold(), [])
                    if len(matches) == 1:
                        unit_id = matches[0]
                    elif matches:
                        problems.append(str(_l(
                            "There are several units called “%(unit)s”; write the path, "
                            "e.g. “Health / %(unit)s”.", unit=unit_text)))
                    else:
                        problems.append(str(_l("Unknown unit “%(unit)s”.", unit=unit_text)))
            title = cell(values, "title") or None
            if title and len(title) > 200:
                problems.append(str(_l("The title is longer than %(n)d characters.", n=200)))
            locale = cell(values, "language").lower() or None
            if locale and locale not in LANGUAGES:
                problems.append(str(_l("Unknown language “%(value)s”; use one of: %(codes)s.",
                                       value=locale, codes=", ".join(LANGUAGES))))
            roles: set[str] = set()
            for word in _ROLE_SPLIT.split(cell(values, "roles").lower()):
                if not word:
                    continue
                if word in ADMIN_WORDS:
                    problems.append(str(_l("Administrators cannot be appointed by import.")))
                elif word in ROLE_WORDS:
                    roles.add(ROLE_WORDS[word])
                else:
                    problems.append(str(_l("Unknown role “%(value)s”.", value=word)))
            # An empty roles cell changes nothing for people we know (like every empty
            # optional cell); a new person joins as an ambassador.
            named_roles = set(roles)
            roles = roles or {RoleName.AMBASSADOR}
            if RoleName.LEADER in roles and unit_id is None and not unit_text:
                problems.append(str(_l("A leader needs a unit.")))
            if email and email in first_line_of:
                problems.append(str(_l("The same e-mail address is already on line %(line)d.",
                                       line=first_line_of[email])))
            elif email:
                first_line_of[email] = line
            row = ImportRow(line, email, name, unit_id, title, locale, roles)
            known_row = existing.get(email) if email else None
            if known_row is not None and not problems:
                known = dict(zip(_KNOWN, known_row, strict=True))
                row.existing_id = known["id"]
                wanted = {"name": name, "active": True}
                if unit_id is not None:
                    wanted["unit_id"] = unit_id
                if title is not None:
                    wanted["title"] = title
                if locale is not None:
                    wanted["locale"] = locale
                row.changes = {k: v for k, v in wanted.items() if known[k] != v}
                row.new_roles = named_roles - roles_of.get(known["id"], set())
            if not problems:
                held = roles_of.get(row.existing_id, set()) if row.existing_id else set()
                granted = row.new_roles if row.existing_id else roles
                refused = change_problem(by, row.existing_id, held, new_roles=granted,
                                         changes=bool(row.changes), by_import=True)
                if refused:
                    problems.append(str(refused))
            if problems:
                errors.append(RowError(line, raw_email, " ".join(problems)))
                continue
            rows.append(row)
    except csv.Error as exc:
        raise _malformed(start, exc) from exc
    if not rows and not errors:
        raise ImportFileError(_l("The file has a header line but no people."))
    return ImportPlan(encoding=encoding, delimiter=delimiter, rows=rows, errors=errors)


def apply(plan: ImportPlan, *, now: datetime,
          commit: Callable[[], None] | None = None,
          progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write the good rows: per batch one bulk insert of people, one of roles, bulk updates.

    Without `commit` everything is flushed in the caller's transaction: all or nothing (the
    CLI, tests, and the confirm view on PostgreSQL, where an import's rows lock only
    themselves). With it (the confirm view on SQLite, whose one write lock would stop every
    other writer for the whole import) each batch of WRITE_BATCH people is its own short
    transaction, retried if SQLite is busy, and `progress(done)` is told after each. The
    whole file was checked before the first batch; a batch that still fails leaves the
    earlier ones written, the view says so and offers to finish, and confirming the same
    file again writes the rest without duplicates (an import is idempotent by e-mail).
    """
    new_rows, updated = plan.new, plan.updated
    if commit is None:
        _write_new(new_rows, now)
        _write_updates(updated, now)
    else:
        commit()
        done = 0
        for rows, write in ((new_rows, _write_new), (updated, _write_updates)):
            for start in range(0, len(rows), WRITE_BATCH):
                chunk = rows[start:start + WRITE_BATCH]
                commit_retrying(lambda chunk=chunk, write=write: write(chunk, now),
                                commit=commit)
                done += len(chunk)
                if progress is not None:
                    progress(done)
    db.session.flush()
    db.session.expire_all()
    return ImportResult(created=len(new_rows), updated=len(updated),
                        unchanged=len(plan.unchanged))


def _write_new(new_rows: list[ImportRow], now: datetime) -> None:
    if not new_rows:
        return
    result = db.session.execute(
        insert(User).returning(User.id, User.email),
        [
            {"email": r.email, "name": r.name, "title": r.title or "", "unit_id": r.unit_id,
             "locale": r.locale, "reading_languages_text": r.locale,
             "active": True, "session_version": 1, "created_at": now}
            for r in new_rows
        ],
    )
    created_ids = {email: user_id for user_id, email in result}
    role_rows = [
        {"user_id": created_ids[r.email], "name": role,
         "unit_id": r.unit_id if role == RoleName.LEADER else None, "created_at": now}
        for r in new_rows for role in sorted(r.roles)
    ]
    if role_rows:
        db.session.execute(insert(Role), role_rows)


def _write_updates(updated: list[ImportRow], now: datetime) -> None:
    role_rows = []
    for r in updated:
        for role in sorted(r.new_roles):
            unit_id = r.unit_id if r.unit_id is not None else r.changes.get("unit_id")
            role_rows.append({"user_id": r.existing_id, "name": role,
                              "unit_id": unit_id if role == RoleName.LEADER else None,
                              "created_at": now})
    if role_rows:
        db.session.execute(insert(Role), role_rows)
    changes = [{"id": r.existing_id, **r.changes} for r in updated if r.changes]
    # Group by the set of changed columns: one executemany per shape.
    shapes: dict[tuple, list[dict]] = {}
    for change in changes:
        shapes.setdefault(tuple(sorted(change)), []).append(change)
    for batch in shapes.values():
        db.session.execute(update(User), batch)


def set_active(person: User, active: bool, *, by: User, now: datetime | None = None) -> User:
    """People who left are deactivated, not deleted: their history stays in the rollups."""
    if person.id == by.id and not active:
        raise ValueError(_l("You cannot deactivate yourself."))
    refused = change_problem(Importer.of(by), person.id, person.role_names, changes=True)
    if refused:
        raise ValueError(refused)
    person.active = active
    # Erasure follows the set number of days after someone left (advocacy/privacy).
    person.deactivated_at = None if active else (person.deactivated_at or now or utcnow())
    if not active:
        person.session_version = (person.session_version or 0) + 1  # logs them out
    db.session.flush()
    return person
