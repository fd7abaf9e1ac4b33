"""Recording applications and where they came from; the join key is the ATS's job reference.

An application is pseudonymous: the ATS's application id, the channel, the outcome, and the
share that brought the applicant when the ATS kept our ``utm_content`` (the share's
reference). Services flush; views, tasks and CLI commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.activity.models import ActivityEvent, EventKind
from advocacy.activity.recording import record_event
from advocacy.content.models import Network, Post, PostKind
from advocacy.csvsafe import ImportFileError, decode, header_columns, sniff_delimiter
from advocacy.db import rowcount
from advocacy.extensions import db
from advocacy.recruitment.models import Application, SurveyChoice
from advocacy.sharing.models import Share

# What happened to an application, in order; the ATS reports it.
APPLIED, INTERVIEWED, OFFERED, HIRED, WITHDRAWN = (
    "applied", "interviewed", "offered", "hired", "withdrawn")
OUTCOMES: tuple[str, ...] = (APPLIED, INTERVIEWED, OFFERED, HIRED, WITHDRAWN)

# Channels of the report. Employee shares are split by network.
EMPLOYEE_SHARE = "employee_share"
OWN_PAGES = "own_pages"
JOB_BOARD = "job_board"
PRINT = "print"
WORD_OF_MOUTH = "word_of_mouth"
OTHER = "other"
UNKNOWN = "unknown"
CHANNELS: tuple[str, ...] = (EMPLOYEE_SHARE, OWN_PAGES, JOB_BOARD, PRINT, WORD_OF_MOUTH, OTHER,
                             UNKNOWN)
NETWORKS: tuple[str, ...] = tuple(n.value for n in Network)

# Source keys a reporter (the ATS, a CSV) may name: a network means an employee's post there.
SOURCES: tuple[str, ...] = (*NETWORKS, OWN_PAGES, JOB_BOARD, PRINT, WORD_OF_MOUTH, OTHER)
SOURCE_KEYS = SOURCES

# How an application reached us.
VIA_API, VIA_SURVEY, VIA_CSV = "api", "survey", "csv"
VIAS: tuple[str, ...] = (VIA_API, VIA_SURVEY, VIA_CSV)

MAX_ID = 100


class RecruitmentError(ValueError):
    """Bad input for an application; `code` is stable for the API, `message` is for people."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def source_channel(source: str) -> tuple[str, str | None]:
    """(channel, network) for a source key."""
    if source in NETWORKS:
        return EMPLOYEE_SHARE, source
    return source, None


def job_by_reference(reference: str) -> Post | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    return db.session.scalar(
        select(Post).where(Post.job_reference == reference, Post.kind == PostKind.JOB)
    )


def share_by_reference(reference: str | None) -> Share | None:
    reference = (reference or "").strip()
    if not reference or len(reference) > 32:
        return None
    return db.session.scalar(select(Share).where(Share.reference == reference))


def match_choice(answer: str | None) -> SurveyChoice | None:
    """A survey choice by its key, or by its label (an ATS may send the words it showed)."""
    answer = (answer or "").strip()
    if not answer:
        return None
    folded = answer.casefold()
    choices = db.session.scalars(select(SurveyChoice)).all()
    for choice in choices:
        if choice.key.casefold() == folded:
            return choice
    for choice in choices:
        labels = {choice.label.casefold()} | {str(lbl).casefold() for lbl in choice_labels(choice)}
        if folded in labels - {""}:
            return choice
    return None


def _check(*, ats_application_id: str, outcome: str | None, source: str | None,
           via: str) -> str:
    ats_id = (ats_application_id or "").strip()
    if not ats_id:
        raise RecruitmentError("missing_application_id", _l("The application id is missing."))
    if len(ats_id) > MAX_ID:
        raise RecruitmentError("application_id_too_long",
                               _l("The application id is longer than %(n)s characters.",
                                  n=MAX_ID))
    if outcome is not None and outcome not in OUTCOMES:
        raise RecruitmentError("invalid_outcome",
                               _l("Unknown outcome %(value)s.", value=outcome[:40]))
    if source is not None and source not in SOURCES:
        raise RecruitmentError("invalid_source",
                               _l("Unknown source %(value)s.", value=source[:40]))
    if via not in VIAS:
        raise RecruitmentError("invalid_via", _l("Unknown way of reporting."))
    return ats_id


def _job(job_reference: str) -> Post:
    post = job_by_reference(job_reference)
    if post is None:
        raise RecruitmentError("unknown_job", _l("No job post has the reference %(ref)s.",
                                                 ref=(job_reference or "")[:100]))
    return post


def _credit(application: Application, share: Share, now: datetime) -> None:
    """The application counts for the sharer in the activity rollups (once per application)."""
    seen = db.session.scalar(select(func.count()).select_from(ActivityEvent).where(
        ActivityEvent.kind == EventKind.APPLICATION, ActivityEvent.ref_id == application.id))
    if seen:
        return
    user = db.session.get(User, share.user_id) if share.user_id else None
    record_event(EventKind.APPLICATION, user=user, now=now, post_id=application.post_id,
                 ref_id=application.id, network=share.network)


def _credit_hire(application: Application, now: datetime) -> None:
    """A hire brought by a share counts for the sharer in the activity rollups, once per
    application, in the month it was first reported hired (the record is append-only: a
    later change of outcome does not take it back)."""
    if application.outcome != HIRED or application.share_id is None:
        return
    seen = db.session.scalar(select(func.count()).select_from(ActivityEvent).where(
        ActivityEvent.kind == EventKind.HIRE, ActivityEvent.ref_id == application.id))
    if seen:
        return
    share = db.session.get(Share, application.share_id)
    user = db.session.get(User, share.user_id) if share is not None and share.user_id else None
    record_event(EventKind.HIRE, user=user, now=application.hired_at or now,
                 post_id=application.post_id, ref_id=application.id,
                 network=share.network if share is not None else None)


def _set_outcome(application: Application, outcome: str, now: datetime) -> None:
    application.outcome = outcome
    if outcome == HIRED:
        application.hired_at = application.hired_at or now
    else:
        application.hired_at = None


def record_application(
    *,
    job_reference: str,
    ats_application_id: str,
    share_reference: str | None,
    source: str | None,
    answer: str | None,
    outcome: str | None,
    now: datetime,
    via: str = VIA_API,
    applied_at: datetime | None = None,
) -> Application:
    """Create or update (same job, same ATS id) one application; never doubles.

    An unknown share reference is recorded as unattributed, not refused: the ATS passes on
    whatever utm_content it saw. A share, once known, outranks what the applicant named.
    """
    source = source.strip() if isinstance(source, str) and source.strip() else None
    outcome = outcome.strip() if isinstance(outcome, str) and outcome.strip() else None
    ats_id = _check(ats_application_id=ats_application_id, outcome=outcome, source=source,
                    via=via)
    post = _job(job_reference)
    share = share_by_reference(share_reference)
    choice = match_choice(answer)
    application = db.session.scalar(select(Application).where(
        Application.post_id == post.id, Application.ats_application_id == ats_id))
    if application is None:
        application = Application(
            post_id=post.id, ats_application_id=ats_id, channel=UNKNOWN, network=None,
            reported_via=via, outcome=APPLIED, applied_at=applied_at or now, updated_at=now,
        )
        db.session.add(application)
    if share is not None:
        application.share_id = share.id
        application.channel, application.network = EMPLOYEE_SHARE, share.network
    elif application.share_id is None:
        if source is not None:
            application.channel, application.network = source_channel(source)
        elif choice is not None:
            application.channel, application.network = choice.channel, choice.network
    if choice is not None:
        application.answer = choice.key
    if outcome is not None:
        _set_outcome(application, outcome, now)
    application.updated_at = now
    db.session.flush()
    if share is not None:
        _credit(application, share, now)
    _credit_hire(application, now)
    return application


def set_outcome(*, job_reference: str, ats_application_id: str, outcome: str,
                now: datetime) -> Application:
    """The ATS tells us what became of an application it reported before."""
    ats_id = _check(ats_application_id=ats_application_id, outcome=outcome, source=None,
                    via=VIA_API)
    if outcome is None:
        raise RecruitmentError("invalid_outcome", _l("The outcome is missing."))
    post = _job(job_reference)
    application = db.session.scalar(select(Application).where(
        Application.post_id == post.id, Application.ats_application_id == ats_id))
    if application is None:
        raise RecruitmentError("unknown_application",
                               _l("No application %(id)s for this job.", id=ats_id))
    _set_outcome(application, outcome, now)
    application.updated_at = now
    db.session.flush()
    _credit_hire(application, now)
    return application


# --- the survey's choice list -------------------------------------------------------------

BUILTIN_LABELS = {
    "linkedin": _l("An employee's post on LinkedIn"),
    "facebook": _l("An employee's post on Facebook"),
    "instagram": _l("An employee's post on Instagram"),
    "x": _l("An employee's post on X"),
    "own_pages": _l("Our own website or social media pages"),
    "nav": _l("NAV (arbeidsplassen.no)"),
    "finn": _l("Finn.no"),
    "jobindex": _l("Jobindex"),
    "other_job_board": _l("Another job board"),
    "print": _l("A newspaper or other print"),
    "word_of_mouth": _l("Someone told me (word of mouth)"),
    "other": _l("Somewhere else"),
}


def choice_label(choice: SurveyChoice) -> str:
    if choice.label:
        return choice.label
    builtin = BUILTIN_LABELS.get(choice.key)
    return str(builtin) if builtin is not None else choice.key


def choice_labels(choice: SurveyChoice) -> list[str]:
    """Every language's label of a built-in choice, so an ATS's words can be matched."""
    from flask_babel import force_locale

    builtin = BUILTIN_LABELS.get(choice.key)
    if builtin is None:
        return []
    out = []
    for locale in ("nb", "da", "en"):
        with force_locale(locale):
            out.append(str(builtin))
    return out


def active_choices() -> list[SurveyChoice]:
    return list(db.session.scalars(
        select(SurveyChoice).where(SurveyChoice.active.is_(True))
        .order_by(SurveyChoice.position, SurveyChoice.id)))


def all_choices() -> list[SurveyChoice]:
    return list(db.session.scalars(
        select(SurveyChoice).order_by(SurveyChoice.position, SurveyChoice.id)))


# --- an ambassador's credit ---------------------------------------------------------------

def credit_by_year(user_id: int, tz) -> list[dict]:
    """Applications and hires the person's shares brought, per year, newest first.

    Counts only: who applied is never shown (and never known beyond the ATS's id).
    """
    years: dict[int, dict] = {}
    for applied_at, outcome in db.session.execute(
        select(Application.applied_at, Application.outcome)
        .join(Share, Share.id == Application.share_id).where(Share.user_id == user_id)
    ).tuples():
        year = applied_at.astimezone(tz).year
        entry = years.setdefault(year, {"year": year, "applications": 0, "hires": 0})
        entry["applications"] += 1
        entry["hires"] += int(outcome == HIRED)
    return [years[y] for y in sorted(years, reverse=True)]


# --- a curator's CSV of applications --------------------------------------------------------

MAX_CSV_BYTES = 2_000_000
CSV_HEADERS = {
    "job_reference": {"job_reference", "job reference", "job", "stillingsreferanse",
                      "referanse", "stillingsnummer", "jobreference", "reference"},
    "application_id": {"application_id", "application id", "application", "søknads-id",
                       "søknadsid", "ansøgnings-id", "ansøgningsid", "id"},
    "share_reference": {"share_reference", "share reference", "utm_content", "delingsreferanse"},
    "source": {"source", "kilde", "channel", "kanal"},
    "answer": {"answer", "svar", "where did you first see this job?"},
    "outcome": {"outcome", "status", "resultat", "utfall"},
}


@dataclass
class CsvProblem:
    line: int
    message: str


class CsvImportError(ValueError):
    """The file as a whole is refused; `problems` lists bad rows by line."""

    def __init__(self, message, problems: list[CsvProblem] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


def import_csv(data: bytes, *, now: datetime) -> int:
    """All rows or none: each row goes through record_application in one savepoint.

    Uses the people import's file conventions (encodings, Excel's semicolons).
    """
    import csv
    import io

    if len(data) > MAX_CSV_BYTES:
        raise CsvImportError(_l("The file is larger than %(limit)d MB. Split it into parts.",
                                limit=MAX_CSV_BYTES // 1_000_000))
    try:
        text, _encoding = decode(data)
    except ImportFileError as exc:
        raise CsvImportError(str(exc)) from exc
    if not text.strip():
        raise CsvImportError(_l("The file is empty."))
    delimiter = sniff_delimiter(text.lstrip().split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        columns = header_columns(header, CSV_HEADERS)
        if "job_reference" not in columns or "application_id" not in columns:
            raise CsvImportError(_l(
                "The first line must name the columns; “job_reference” and “application_id” "
                "are required (also possible: share_reference, source, answer, outcome)."))
        problems: list[CsvProblem] = []
        count = 0
        seen: dict[tuple[str, str], int] = {}
        savepoint = db.session.begin_nested()
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue

                def cell(name: str, values=values) -> str | None:
                    index = columns.get(name)
                    if index is None or index >= len(values):
                        return None
                    return values[index].strip() or None

                key = (cell("job_reference") or "", cell("application_id") or "")
                if key in seen:
                    problems.append(CsvProblem(line, str(_l(
                        "The same application is also on line %(line)d.", line=seen[key]))))
                    continue
                seen[key] = line
                source, answer = (cell("source") or "").lower() or None, cell("answer")
                if source and source not in SOURCES and match_choice(source):
                    source, answer = None, answer or source  # "finn": a survey choice
                try:
                    record_application(
                        job_reference=key[0], ats_application_id=key[1],
                        share_reference=cell("share_reference"), source=source, answer=answer,
                        outcome=(cell("outcome") or "").lower() or None, now=now,
                        via=VIA_CSV,
                    )
                    count += 1
                except RecruitmentError as exc:
                    problems.append(CsvProblem(line, str(exc)))
                if len(problems) >= 100:
                    break
        except BaseException:
            savepoint.rollback()
            raise
        if problems:
            savepoint.rollback()
            raise CsvImportError(_l("Nothing was imported: fix the lines below and try again."),
                                 problems)
        savepoint.commit()
    except csv.Error as exc:
        raise CsvImportError(_l("Line %(line)d could not be read as CSV: %(reason)s",
                                line=reader.line_num, reason=str(exc))) from exc
    if not count:
        raise CsvImportError(_l("The file has no applications."))
    return count


# --- retention ----------------------------------------------------------------------------

def anonymise_applications(now: datetime, keep_days: int) -> int:
    """Applications untouched for the retention period lose the ATS's id (the only link to
    the applicant) and the answer; the anonymous row still counts in every report."""
    from datetime import timedelta

    from sqlalchemy import update

    limit = now - timedelta(days=keep_days)
    result = db.session.execute(
        update(Application)
        .where(Application.updated_at < limit, Application.anonymised_at.is_(None))
        .values(ats_application_id=None, answer=None, anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return rowcount(result)
