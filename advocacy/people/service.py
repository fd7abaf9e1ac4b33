"""People import from CSV (M2: HR keeps the list) and deactivating people who left.

The whole file is checked first and nothing is written until the curator confirms. Writing
uses a handful of bulk statements whatever the file's size: no query per row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from advocacy.accounts.models import Role, RoleName, Unit, User
from advocacy.config import LANGUAGES
from advocacy.db import utcnow
from advocacy.extensions import db

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_MB = MAX_IMPORT_BYTES // (1024 * 1024)
MAX_ROWS = 50_000

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


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing is imported."""


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


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    wrong = ImportFileError(_l(
        "The file is not in a text encoding we can read. In Excel, choose "
        "“Save as” → “CSV UTF-8 (comma delimited)” and upload that file."
    ))
    if b"\x00" in data:  # UTF-16/32 without a byte-order mark, or not text at all
        raise wrong
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise wrong from exc


def sniff_delimiter(first_line: str) -> str:
    """Excel writes semicolons where the decimal mark is a comma (Norway, Denmark)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = " ".join(cell.strip().lower().split())
        for name, aliases in HEADERS.items():
            if key in aliases and name not in found:
                found[name] = index
    return found


def _unit_lookup() -> tuple[dict[str, list[int]], dict[str, int]]:
    units = db.session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    by_id = {u.id: u for u in units}
    by_name: dict[str, list[int]] = {}
    by_path: dict[str, int] = {}
    for unit in units:
        by_name.setdefault(unit.name.casefold(), []).append(unit.id)
        names, node, seen = [], unit, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name.casefold())
            node = by_id.get(node.parent_id)
        by_path["/".join(reversed(names))] = unit.id
    return by_name, by_path


def parse(data: bytes) -> ImportPlan:
    """Check every row against the database (three queries in all) and plan the changes."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_l("The file is larger than %(limit)d MB. Split it into parts.",
                                 limit=MAX_IMPORT_MB))
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError(_l("The file is empty."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(_l("The file could not be read as CSV.")) from exc
    columns = _header_map(header)
    missing = [name for name in ("email", "name") if name not in columns]
    if missing:
        raise ImportFileError(_l(
            "The first line must name the columns; “email” and “name” are required "
            "(also possible: unit, title, language, roles)."
        ))
    by_name, by_path = _unit_lookup()
    existing = {
        row.email.lower(): row
        for row in db.session.execute(
            select(User.id, User.email, User.name, User.title, User.unit_id, User.locale,
                   User.active)
        )
    }
    roles_of: dict[int, set[str]] = {}
    for user_id, role in db.session.execute(select(Role.user_id, Role.name)):
        roles_of.setdefault(user_id, set()).add(role)

    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}

    def cell(values: list[str], name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(values):
            return ""
        return values[index].strip()

    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise ImportFileError(_l("The file has more than %(n)d rows.", n=MAX_ROWS))
            raw_email = cell(values, "email")
            problems: list[str] = []
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
            roles = roles or {RoleName.AMBASSADOR}
            if RoleName.LEADER in roles and unit_id is None and not unit_text:
                problems.append(str(_l("A leader needs a unit.")))
            if email and email in first_line_of:
                problems.append(str(_l("The same e-mail address is already on line %(line)d.",
                                       line=first_line_of[email])))
            elif email:
                first_line_of[email] = line
            if problems:
                errors.append(RowError(line, raw_email, " ".join(problems)))
                continue
            row = ImportRow(line, email, name, unit_id, title, locale, roles)
            known = existing.get(email)
            if known is not None:
                row.existing_id = known.id
                wanted = {"name": name, "active": True}
                if unit_id is not None:
                    wanted["unit_id"] = unit_id
                if title is not None:
                    wanted["title"] = title
                if locale is not None:
                    wanted["locale"] = locale
                row.changes = {k: v for k, v in wanted.items() if getattr(known, k) != v}
                row.new_roles = roles - roles_of.get(known.id, set())
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(_l("Line %(line)d could not be read as CSV: %(reason)s",
                                 line=reader.line_num, reason=str(exc))) from exc
    if not rows and not errors:
        raise ImportFileError(_l("The file has a header line but no people."))
    return ImportPlan(encoding=encoding, delimiter=delimiter, rows=rows, errors=errors)


def apply(plan: ImportPlan, *, now: datetime) -> ImportResult:
    """Write the good rows: one bulk insert of people, one of roles, one bulk update."""
    new_rows = plan.new
    created_ids: dict[str, int] = {}
    if new_rows:
        result = db.session.execute(
            insert(User).returning(User.id, User.email),
            [
                {"email": r.email, "name": r.name, "title": r.title or "", "unit_id": r.unit_id,
                 "locale": r.locale, "active": True, "session_version": 1, "created_at": now}
                for r in new_rows
            ],
        )
        created_ids = {email: user_id for user_id, email in result}
    role_rows = []
    for r in new_rows:
        for role in sorted(r.roles):
            role_rows.append({"user_id": created_ids[r.email], "name": role,
                              "unit_id": r.unit_id if role == RoleName.LEADER else None,
                              "created_at": now})
    updated = plan.updated
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
    db.session.flush()
    db.session.expire_all()
    return ImportResult(created=len(new_rows), updated=len(updated),
                        unchanged=len(plan.unchanged))


def set_active(person: User, active: bool, *, by: User, now: datetime | None = None) -> User:
    """People who left are deactivated, not deleted: their history stays in the rollups."""
    if person.id == by.id and not active:
        raise ValueError(_l("You cannot deactivate yourself."))
    person.active = active
    # Erasure follows the set number of days after someone left (advocacy/privacy).
    person.deactivated_at = None if active else (person.deactivated_at or now or utcnow())
    if not active:
        person.session_version = (person.session_version or 0) + 1  # logs them out
    db.session.flush()
    return person
