"""Reading, checking and saving the accessibility statement (one row per installation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.accessibility.models import AccessibilityStatement
from advocacy.audit import service as audit
from advocacy.extensions import db

CONFORMANCE = {
    "full": _l("Fully conformant with WCAG 2.1 level AA"),
    "partial": _l("Partially conformant with WCAG 2.1 level AA"),
    "none": _l("Not conformant with WCAG 2.1 level AA"),
}
METHODS = {
    "self": _l("Our own assessment"),
    "external": _l("Tested by a third party"),
}
# Where a reader who is not satisfied with our answer can turn (EU directive 2016/2102 art. 9).
AUTHORITIES = {
    "no": {
        "label": _l("Norway: Uutilsynet (Digitaliseringsdirektoratet)"),
        "name": "Uutilsynet",
        "url": "https://www.uutilsynet.no/",
    },
    "dk": {
        "label": _l("Denmark: Digitaliseringsstyrelsen"),
        "name": "Digitaliseringsstyrelsen",
        "url": "https://digst.dk/",
    },
}
# Every WCAG 2.1 success criterion of level A and AA: the ones the law asks for.
WCAG21_AA = frozenset("""
1.1.1 1.2.1 1.2.2 1.2.3 1.2.4 1.2.5 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.4.1 1.4.2 1.4.3 1.4.4
1.4.5 1.4.10 1.4.11 1.4.12 1.4.13 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 2.3.1 2.4.1 2.4.2 2.4.3
2.4.4 2.4.5 2.4.6 2.4.7 2.5.1 2.5.2 2.5.3 2.5.4 3.1.1 3.1.2 3.2.1 3.2.2 3.2.3 3.2.4 3.3.1
3.3.2 3.3.3 3.3.4 4.1.1 4.1.2 4.1.3
""".split())
MAX_DEVIATIONS = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{4,30}$")


class StatementError(ValueError):
    """The statement was refused; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__("invalid accessibility statement")
        self.errors = errors


@dataclass
class StatementData:
    organisation: str
    url: str
    conformance: str
    feedback_email: str
    authority: str
    statement_date: date | None
    reviewed_date: date | None
    scope: str = ""
    deviations: list[dict[str, str]] = field(default_factory=list)
    method: str = "self"
    feedback_phone: str = ""
    complaint_url: str = ""
    official_url: str = ""


def get_statement() -> AccessibilityStatement | None:
    return db.session.scalar(select(AccessibilityStatement).order_by(AccessibilityStatement.id))


def parse_deviations(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """One deviation per line: "criterion | what does not work | what we do about it"."""
    deviations: list[dict[str, str]] = []
    problems: list[str] = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_DEVIATIONS:
        return [], [str(_l("List at most %(n)d deviations.", n=MAX_DEVIATIONS))]
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            problems.append(str(_l(
                "Line %(line)d: write “criterion | what does not work | what we do about it”.",
                line=number)))
            continue
        criterion, problem, action = parts
        if criterion not in WCAG21_AA:
            problems.append(str(_l(
                "Line %(line)d: “%(value)s” is not a WCAG 2.1 A or AA success criterion "
                "(for example 1.4.3).", line=number, value=criterion[:20])))
            continue
        if len(problem) > 1000 or len(action) > 1000:
            problems.append(str(_l("Line %(line)d is longer than %(n)d characters.",
                                   line=number, n=1000)))
            continue
        deviations.append({"criterion": criterion, "problem": problem, "action": action})
    return deviations, problems


def deviations_text(deviations: list[dict[str, str]]) -> str:
    return "\n".join(f"{d['criterion']} | {d['problem']} | {d['action']}" for d in deviations)


def validate(data: StatementData, today: date) -> dict[str, Any]:
    """Everything the Norwegian and Danish statements require, checked before anything is kept."""
    errors: dict[str, Any] = {}
    if not data.organisation.strip():
        errors["organisation"] = _l("Name the organisation that publishes the statement.")
    elif len(data.organisation) > 200:
        errors["organisation"] = _l("Use at most %(n)d characters.", n=200)
    if not re.match(r"^https?://[^\s/]+", data.url or "") or len(data.url) > 500:
        errors["url"] = _l("Give the address the statement covers, starting with https://")
    if len(data.scope) > 2000:
        errors["scope"] = _l("Use at most %(n)d characters.", n=2000)
    if data.conformance not in CONFORMANCE:
        errors["conformance"] = _l("Choose a conformance status.")
    elif data.conformance == "full" and data.deviations:
        errors["deviations"] = _l(
            "A fully conformant site has no known deviations: remove them or choose "
            "“partially conformant”.")
    elif data.conformance != "full" and not data.deviations:
        errors["deviations"] = _l("List the known deviations, one per line.")
    if data.method not in METHODS:
        errors["method"] = _l("Choose how the statement was made.")
    email = (data.feedback_email or "").strip()
    if not email:
        errors["feedback_email"] = _l(
            "A contact e-mail address for feedback is required: readers must be able to "
            "tell you what does not work.")
    elif len(email) > 254 or not _EMAIL.match(email):
        errors["feedback_email"] = _l("Enter a valid e-mail address.")
    if data.feedback_phone and not _PHONE.match(data.feedback_phone):
        errors["feedback_phone"] = _l("Enter a phone number with digits, spaces and + only.")
    elif not data.feedback_phone.strip() and data.authority == "dk":
        # Bekendtgørelse nr. 904/2019: a Danish statement gives a phone and a written contact.
        errors["feedback_phone"] = _l("A Danish statement must give a phone number as well.")
    if data.authority not in AUTHORITIES:
        errors["authority"] = _l("Choose the supervisory authority.")
    if data.complaint_url and (not re.match(r"^https?://[^\s/]+", data.complaint_url)
                               or len(data.complaint_url) > 500):
        errors["complaint_url"] = _l("The link must start with http:// or https://")
    if data.official_url and (not re.match(r"^https://[^\s/]+", data.official_url)
                              or len(data.official_url) > 500):
        errors["official_url"] = _l("The link must start with https://")
    if data.statement_date is None:
        errors["statement_date"] = _l("Give the date of the statement.")
    elif data.statement_date > today:
        errors["statement_date"] = _l("The date cannot be in the future.")
    if data.reviewed_date is None:
        errors["reviewed_date"] = _l("Give the date of the last review.")
    elif data.reviewed_date > today:
        errors["reviewed_date"] = _l("The date cannot be in the future.")
    elif data.statement_date and data.reviewed_date < data.statement_date:
        errors["reviewed_date"] = _l("The last review cannot be before the statement's date.")
    return errors


def save_statement(data: StatementData, *, by_user_id: int | None,
                   now: datetime, today: date) -> AccessibilityStatement:
    """Validate, then create or update the one statement; refused input changes nothing."""
    errors = validate(data, today)
    if errors:
        raise StatementError(errors)
    statement = get_statement()
    changed: list[str] = []
    if statement is None:
        statement = AccessibilityStatement()
        db.session.add(statement)
    values = {
        "organisation": data.organisation.strip(), "scope": data.scope.strip(),
        "url": data.url.strip(), "conformance": data.conformance,
        "deviations": list(data.deviations), "method": data.method,
        "feedback_email": data.feedback_email.strip(),
        "feedback_phone": data.feedback_phone.strip(), "authority": data.authority,
        "complaint_url": data.complaint_url.strip(), "official_url": data.official_url.strip(),
        "statement_date": data.statement_date,
        "reviewed_date": data.reviewed_date,
    }
    for name, value in values.items():
        if getattr(statement, name, None) != value:
            setattr(statement, name, value)
            changed.append(name)
    statement.updated_by_id = by_user_id
    statement.updated_at = now
    db.session.flush()
    audit.record(by_user_id, "accessibility.update", now=now,
                 target_type="accessibility_statement", target_id=statement.id,
                 details={"changed": changed})
    return statement


def review_overdue(statement: AccessibilityStatement, today: date) -> bool:
    """Both countries ask for a review at least once a year."""
    return (today - statement.reviewed_date).days > 365


def complaint_link(statement: AccessibilityStatement) -> dict[str, str]:
    authority = AUTHORITIES[statement.authority]
    return {"name": authority["name"], "url": statement.complaint_url or authority["url"]}
