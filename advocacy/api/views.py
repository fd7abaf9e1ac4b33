"""The /api/v1 endpoints: thin — validate (spectree + pydantic), call a service, commit."""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from datetime import datetime
from typing import cast

from flask import Blueprint, jsonify, request
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from advocacy import folding as fold
from advocacy.accounts.models import Unit, User
from advocacy.accounts.units import UnitTree, tree
from advocacy.activity.models import PersonState, UnitDimMonth, UnitMonth
from advocacy.activity.months import month_key, month_of, month_start, parse_month
from advocacy.api import auth, schemas
from advocacy.api.auth import needs, public
from advocacy.api.errors import ApiError, handle_api_error
from advocacy.api.models import ApiWrite
from advocacy.api.spec import responses, spec, validated
from advocacy.content import editing, post_input
from advocacy.content.errors import ContentError
from advocacy.content.models import Post, PostKind
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.insights import health as insights_health
from advocacy.insights.foldings import health_folding, period_foldings
from advocacy.insights.query import (
    EARLIEST_YEAR,
    MAX_YEARS,
    RESOLUTIONS,
    InsightsError,
    parse_query,
)
from advocacy.orgtime import org_tz
from advocacy.programme.service import get_programme
from advocacy.recruitment import service as recruitment
from advocacy.recruitment.models import Application, JobFeed
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(auth.authenticate)
bp.register_error_handler(ApiError, handle_api_error)

MAX_ID = 2**31 - 1
ID = f"<int(max={MAX_ID}):"


@bp.after_request
def _no_cookies(response):
    """The API never sets a cookie and answers are not cached by proxies."""
    response.headers.pop("Set-Cookie", None)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def operation(scope: str, **validate):
    """One API operation: the scope it needs (checked before validation, shown in the
    document as the bearer scheme's scope) and its spectree validation."""

    def decorator(view):
        return spec.validate(security={"bearer": [scope]}, operation_id=view.__name__,
                             **validate)(needs(scope)(view))

    return decorator


# --- the document -------------------------------------------------------------------------

@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(spec.spec)


# --- helpers ------------------------------------------------------------------------------

def _after(cursor: str | None) -> int:
    """A cursor is the last id of the previous page, encoded (opaque to clients)."""
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API gave.") from exc
    if not 0 <= value <= MAX_ID:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API gave.")
    return value


def _cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _page(stmt: Select, id_column, query: schemas.PageQuery) -> tuple[list, str | None]:
    rows = list(db.session.scalars(
        stmt.where(id_column > _after(query.cursor)).order_by(id_column).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, (_cursor(rows[-1].id) if more and rows else None)


def _unit_out(unit: Unit, units: UnitTree) -> schemas.UnitOut:
    return schemas.UnitOut(id=unit.id, name=unit.name, parent_id=unit.parent_id,
                           path=units.label(unit.id))


# --- units and people ---------------------------------------------------------------------

@bp.get("/units")
@operation("units:read", query=schemas.PageQuery, resp=responses(HTTP_200=schemas.UnitPage),
               tags=["units"])
def units():
    """List units (the organisation's tree), by id."""
    query: schemas.PageQuery = validated().query
    rows, cursor = _page(select(Unit), Unit.id, query)
    return schemas.UnitPage(items=[_unit_out(u, tree()) for u in rows], next_cursor=cursor)


@bp.get(f"/units/{ID}unit_id>")
@operation("units:read", resp=responses(HTTP_200=schemas.UnitOut, HTTP_404=schemas.Error),
           tags=["units"])
def unit(unit_id: int):
    """One unit."""
    found = db.session.get(Unit, unit_id)
    if found is None:
        raise ApiError(404, "not_found", "No unit has this id.")
    return _unit_out(found, tree())


def _person_out(person: User) -> schemas.PersonOut:
    return schemas.PersonOut(
        id=person.id, name=person.name, email=person.email, title=person.title or "",
        unit_id=person.unit_id, active=person.active, participant=person.is_participant,
        roles=sorted(person.role_names))


@bp.get("/people")
@operation("people:read", query=schemas.PeopleQuery, resp=responses(HTTP_200=schemas.PersonPage),
               tags=["people"])
def people():
    """List people (no activity figures: those are only in aggregates)."""
    query: schemas.PeopleQuery = validated().query
    stmt = select(User)
    if query.unit_id is not None:
        stmt = stmt.where(User.unit_id == query.unit_id)
    rows, cursor = _page(stmt, User.id, query)
    return schemas.PersonPage(items=[_person_out(p) for p in rows], next_cursor=cursor)


@bp.get(f"/people/{ID}person_id>")
@operation("people:read", resp=responses(HTTP_200=schemas.PersonOut, HTTP_404=schemas.Error),
               tags=["people"])
def person(person_id: int):
    """One person."""
    found = db.session.get(User, person_id)
    if found is None:
        raise ApiError(404, "not_found", "No person has this id.")
    return _person_out(found)


# --- posts --------------------------------------------------------------------------------

def _post_out(post: Post) -> schemas.PostOut:
    texts = {}
    for network in post.networks:
        variant = post.variant(network)
        if variant is not None:
            texts[network] = variant.text
    return schemas.PostOut(
        id=post.id, title=post.title, link=post.link, kind=schemas.Kind(post.kind),
        status=schemas.Status(post.status),
        job_reference=post.job_reference, place=post.place or "", deadline_at=post.deadline_at,
        event_at=post.event_at, starts_at=post.starts_at, ends_at=post.ends_at,
        published_at=post.published_at, created_at=post.created_at, texts=texts)


@bp.get("/posts")
@operation("posts:read", query=schemas.PostQuery, resp=responses(HTTP_200=schemas.PostPage),
               tags=["posts"])
def posts():
    """List posts, optionally by status and kind."""
    query: schemas.PostQuery = validated().query
    stmt = select(Post)
    if query.status is not None:
        stmt = stmt.where(Post.status == query.status.value)
    if query.kind is not None:
        stmt = stmt.where(Post.kind == query.kind.value)
    rows, cursor = _page(stmt, Post.id, query)
    return schemas.PostPage(items=[_post_out(p) for p in rows], next_cursor=cursor)


@bp.get(f"/posts/{ID}post_id>")
@operation("posts:read", resp=responses(HTTP_200=schemas.PostOut, HTTP_404=schemas.Error),
               tags=["posts"])
def post(post_id: int):
    """One post with its main text per network."""
    found = db.session.get(Post, post_id)
    if found is None:
        raise ApiError(404, "not_found", "No post has this id.")
    return _post_out(found)


IDEMPOTENCY = "Idempotency-Key"


@bp.post("/posts")
@operation("posts:write", json=schemas.PostCreate,
               resp=responses(HTTP_200=schemas.PostOut, HTTP_201=schemas.PostOut,
                              HTTP_409=schemas.Error, HTTP_422=schemas.Error),
               tags=["posts"])
def create_post():
    """Create a draft post for curators to review.

    Idempotent: repeating a request with the same `Idempotency-Key` header (or, for a job,
    the same `job_reference`) returns the post made the first time (200) instead of a second.
    """
    body: schemas.PostCreate = validated().json
    token = auth.current_token()
    key = (request.headers.get(IDEMPOTENCY) or "").strip()
    if len(key) > 100:
        raise ApiError(400, "invalid_idempotency_key", "Use an Idempotency-Key of at most "
                       "100 characters.")
    earlier = _earlier_post(token.id, key, body)
    if earlier is not None:
        return _post_out(earlier), 200
    now = utcnow()
    data = post_input.PostData(
        title=body.title, link=body.link, kind=body.kind.value,
        texts={network.value: text for network, text in body.texts.items()},
        place=body.place, deadline_at=body.deadline_at, event_at=body.event_at)
    try:
        created = editing.create_post(data, by_user_id=None, now=now)
        if body.job_reference:
            created.job_reference = body.job_reference.strip()
        if key:
            db.session.add(ApiWrite(token_id=token.id, key=key, resource="post",
                                    resource_id=created.id, created_at=now))
        db.session.flush()
    except ContentError as exc:
        db.session.rollback()
        raise ApiError(422, "invalid", "The post did not pass validation.",
                       [{"field": field, "problem": str(message), "type": "content"}
                        for field, message in exc.errors.items()]) from exc
    except IntegrityError as exc:  # a concurrent request with the same key or reference
        db.session.rollback()
        earlier = _earlier_post(token.id, key, body)
        if earlier is None:
            raise ApiError(409, "conflict", "Another request wrote this at the same time; "
                           "repeat it.") from exc
        return _post_out(earlier), 200
    db.session.commit()
    return _post_out(created), 201


def _earlier_post(token_id: int, key: str, body: schemas.PostCreate) -> Post | None:
    if key:
        post_id = db.session.scalar(select(ApiWrite.resource_id).where(
            ApiWrite.token_id == token_id, ApiWrite.resource == "post", ApiWrite.key == key))
        if post_id is not None:
            return db.session.get(Post, post_id)
    if body.job_reference and body.job_reference.strip():
        found = db.session.scalar(select(Post).where(
            Post.job_reference == body.job_reference.strip()))
        if found is not None:
            if found.kind != PostKind.JOB or body.kind != schemas.Kind.job:
                raise ApiError(409, "job_reference_taken",
                               "Another post already has this job reference.")
            return found
    return None


# --- shares and clicks, aggregated --------------------------------------------------------

def _span(query: schemas.StatsQuery, now: datetime) -> tuple[int, int]:
    tz = org_tz()
    current = month_of(now, tz)
    try:
        last = parse_month(query.to_month) if query.to_month else current
        first = parse_month(query.from_month) if query.from_month else last - 11
    except ValueError as exc:
        raise ApiError(400, "invalid_month", "Write months as YYYY-MM.") from exc
    if first > last:
        raise ApiError(400, "invalid_span", "'from' comes after 'to'.")
    if last - first + 1 > MAX_YEARS * 12:
        raise ApiError(400, "invalid_span", f"Ask for at most {MAX_YEARS} years.")
    if first < EARLIEST_YEAR * 12 or last > current + 12:
        raise ApiError(400, "invalid_span", "Ask for months from 2000 up to next year.")
    return first, last


def _period(month: int, period: str) -> str:
    return month_key(month) if period == "month" else f"{month // 12:04d}"


@bp.get("/stats/shares")
@operation("stats:read", query=schemas.StatsQuery, resp=responses(HTTP_200=schemas.StatsOut),
               tags=["shares and clicks"])
def share_stats():
    """Shares, human clicks and applications per post, unit or network and month or year.

    `post`: shares by the month they were made, human clicks by the month they happened
    (raw rows, so only within the click retention), applications to the post by the month
    they were made. `network`: from the rollups (years back) plus attributed applications.
    `unit`: from the rollups, in the corps-health page's rows for the organisation (each
    top-level unit with its sub-units, and one `folded` row "other"), folded into blocks of
    at least the programme minimum exactly as the page is: no row, and no difference of
    rows, is about fewer people. Too few ambassadors in all: no rows.
    """
    query: schemas.StatsQuery = validated().query
    now = utcnow()
    first, last = _span(query, now)
    min_group = max(1, get_programme().min_group_size)
    rows = {"post": _by_post, "unit": _by_unit, "network": _by_network}[query.group_by](
        first, last, query.period, min_group)
    return schemas.StatsOut(group_by=query.group_by, period=query.period,
                            from_month=month_key(first), to_month=month_key(last),
                            min_group=min_group, rows=rows)


def _months_between(column, first: int, last: int):
    tz = org_tz()
    return column >= month_start(first, tz), column < month_start(last + 1, tz)


def _by_post(first: int, last: int, period: str, _min_group: int) -> list[schemas.StatsRow]:
    tz = org_tz()
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for post_id, at in db.session.execute(
            select(Share.post_id, Share.created_at).where(
                *_months_between(Share.created_at, first, last))).tuples():
        sums[(post_id, _period(month_of(at, tz), period))][0] += 1
    for post_id, at in db.session.execute(
            select(Share.post_id, Click.created_at).join(Share, Share.id == Click.share_id)
            .where(Click.is_bot.is_(False), *_months_between(Click.created_at, first, last))
    ).tuples():
        sums[(post_id, _period(month_of(at, tz), period))][1] += 1
    for post_id, at in db.session.execute(
            select(Application.post_id, Application.applied_at).where(
                *_months_between(Application.applied_at, first, last))).tuples():
        sums[(post_id, _period(month_of(at, tz), period))][2] += 1
    return [schemas.StatsRow(period=p, post_id=post_id, shares=s, clicks=c, applications=a)
            for (post_id, p), (s, c, a) in sorted(sums.items(), key=lambda kv: (kv[0][1],
                                                                                  kv[0][0]))]


def _by_network(first: int, last: int, period: str, min_group: int) -> list[schemas.StatsRow]:
    """Organisation totals per network: none while the whole corps is below the minimum,
    and none for a period in which it was (the blocks of that period)."""
    if not _org_folding(min_group).shown(fold.ORGANISATION):
        return []
    tz = org_tz()
    size = RESOLUTIONS[period]
    shown = {_period(p * size, period) for p, folding in period_foldings(
        tree().parents, min_group, range(first // size, last // size + 1), period,
        month_of(utcnow(), tz)).items() if folding.shown(fold.ORGANISATION)}
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for month, network, shares, clicks in db.session.execute(
            select(UnitDimMonth.month, UnitDimMonth.key, func.sum(UnitDimMonth.shares),
                   func.sum(UnitDimMonth.clicks))
            .where(UnitDimMonth.dim == "network", UnitDimMonth.month >= first,
                   UnitDimMonth.month <= last)
            .group_by(UnitDimMonth.month, UnitDimMonth.key)).tuples():
        row = sums[(network, _period(month, period))]
        row[0] += int(shares or 0)
        row[1] += int(clicks or 0)
    for applied_on, at in db.session.execute(
            select(Application.network, Application.applied_at).where(
                Application.share_id.is_not(None), Application.network.is_not(None),
                *_months_between(Application.applied_at, first, last))).tuples():
        if applied_on is not None:  # always (selected so); the column may be null
            sums[(applied_on, _period(month_of(at, tz), period))][2] += 1
    return [schemas.StatsRow(period=p, network=network, shares=s, clicks=c, applications=a)
            for (network, p), (s, c, a) in sorted(sums.items(), key=lambda kv: (kv[0][1],
                                                                                  kv[0][0]))
            if p in shown]


def _org_folding(min_group: int):
    known = tree().parents
    enrolled: dict[int, int] = defaultdict(int)
    for unit_id, n in db.session.execute(
            select(PersonState.unit_id, func.count()).group_by(PersonState.unit_id)).tuples():
        enrolled[unit_id if unit_id in known else fold.ORGANISATION] += n
    return health_folding(known, enrolled, min_group)


def _by_unit(first: int, last: int, period: str, min_group: int) -> list[schemas.StatsRow]:
    """The corps-health page's rows for the whole organisation, folded the page's way
    (`insights.foldings.health_folding`) period by period: each period's rows are unions of whole
    blocks of that period's ambassadors (`insights.foldings.period_foldings`), so no row, and no
    difference of rows (within a period or against the network totals), is about fewer
    people — also when a unit was smaller then than now. A period in which the whole corps
    was too small has no rows."""
    known = tree().parents
    size = RESOLUTIONS[period]
    wanted = range(first // size, last // size + 1)
    foldings = period_foldings(known, min_group, wanted, period,
                               month_of(utcnow(), org_tz()))
    groups = {p: folding.rows(fold.ORGANISATION) for p, folding in foldings.items()
              if folding.shown(fold.ORGANISATION)}
    row_of = {p: {u: key for key, units in rows for u in units} for p, rows in groups.items()}
    sums: dict[tuple[object, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for month, unit_id, shares, clicks, applications in db.session.execute(
            select(UnitMonth.month, UnitMonth.unit_id, func.sum(UnitMonth.shares),
                   func.sum(UnitMonth.clicks), func.sum(UnitMonth.applications))
            .where(UnitMonth.month >= first, UnitMonth.month <= last)
            .group_by(UnitMonth.month, UnitMonth.unit_id)).tuples():
        p = month // size
        if p not in groups:
            continue
        key = row_of[p].get(unit_id if unit_id in known else fold.ORGANISATION,
                            fold.OTHER)
        row = sums[(key, p)]
        row[0] += int(shares or 0)
        row[1] += int(clicks or 0)
        row[2] += int(applications or 0)
    out = []
    for (key, p), (s, c, a) in sorted(sums.items(), key=lambda kv: (
            kv[0][1], kv[0][0] == fold.OTHER, kv[0][0] if kv[0][0] != fold.OTHER else 0)):
        members = dict(groups[p])
        units = sorted(u for u in members.get(key, ()) if u != fold.ORGANISATION)
        out.append(schemas.StatsRow(
            period=_period(p * size, period), unit_id=key if isinstance(key, int) else None,
            folded=key == fold.OTHER, units=units, shares=s, clicks=c, applications=a))
    return out


# --- applications -------------------------------------------------------------------------

def _application_out(application: Application, job_reference: str,
                     created: bool) -> schemas.ApplicationOut:
    return schemas.ApplicationOut(
        id=application.id, job_reference=job_reference,
        ats_application_id=application.ats_application_id or "",
        channel=application.channel, network=application.network,
        attributed=application.share_id is not None,
        outcome=schemas.Outcome(application.outcome),
        applied_at=application.applied_at, updated_at=application.updated_at, created=created)


def _recruitment_error(exc: recruitment.RecruitmentError) -> ApiError:
    status = 404 if exc.code in {"unknown_job", "unknown_application"} else 422
    return ApiError(status, exc.code, str(exc.message))


@bp.post("/applications")
@operation("applications:write", json=schemas.ApplicationIn,
               resp=responses(HTTP_200=schemas.ApplicationOut, HTTP_201=schemas.ApplicationOut,
                              HTTP_404=schemas.Error, HTTP_422=schemas.Error),
               tags=["applications"])
def report_application():
    """Report an application for a job (by the ATS's job reference and application id).

    Idempotent: the same job and application id update the one record (200), never double
    it. An unknown `share_reference` is recorded as unattributed, not refused.
    """
    body: schemas.ApplicationIn = validated().json
    existed = _application_exists(body.job_reference, body.ats_application_id)
    try:
        application = recruitment.record_application(
            job_reference=body.job_reference, ats_application_id=body.ats_application_id,
            share_reference=body.share_reference,
            source=body.source.value if body.source else None, answer=body.answer,
            outcome=body.outcome.value if body.outcome else None, now=utcnow())
    except recruitment.RecruitmentError as exc:
        db.session.rollback()
        raise _recruitment_error(exc) from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise ApiError(409, "conflict", "Another report of this application arrived at the "
                       "same time; repeat the request.") from exc
    db.session.commit()
    return _application_out(application, body.job_reference.strip(), not existed), \
        200 if existed else 201


def _application_exists(job_reference: str, ats_id: str) -> bool:
    job = recruitment.job_by_reference(job_reference)
    if job is None:
        return False
    return (db.session.scalar(select(func.count()).select_from(Application).where(
        Application.post_id == job.id,
        Application.ats_application_id == (ats_id or "").strip())) or 0) > 0


Ref = "<string(maxlength=100):"


@bp.patch(f"/jobs/{Ref}job_reference>/applications/{Ref}ats_application_id>")
@operation("applications:write", json=schemas.OutcomeIn,
               resp=responses(HTTP_200=schemas.ApplicationOut, HTTP_404=schemas.Error,
                              HTTP_422=schemas.Error),
               tags=["applications"])
def update_outcome(job_reference: str, ats_application_id: str):
    """Set what became of an application reported before (idempotent)."""
    body: schemas.OutcomeIn = validated().json
    try:
        application = recruitment.set_outcome(
            job_reference=job_reference, ats_application_id=ats_application_id,
            outcome=body.outcome.value, now=utcnow())
    except recruitment.RecruitmentError as exc:
        db.session.rollback()
        raise _recruitment_error(exc) from exc
    db.session.commit()
    return _application_out(application, job_reference.strip(), False)


# --- job feeds ----------------------------------------------------------------------------

@bp.get("/job-feeds")
@operation("feeds:read", query=schemas.PageQuery, resp=responses(HTTP_200=schemas.FeedPage),
               tags=["job feeds"])
def feeds():
    """The job feeds curators added, with when each last ran and its last error."""
    query: schemas.PageQuery = validated().query
    rows, cursor = _page(select(JobFeed), JobFeed.id, query)
    return schemas.FeedPage(items=[schemas.FeedOut.model_validate(f) for f in rows],
                            next_cursor=cursor)


# --- corps health -------------------------------------------------------------------------

class _Integration:
    """The viewer the corps-health service sees for a token: no role, so no names."""

    id = None
    is_authenticated = True
    role_names: frozenset = frozenset()
    led_unit_ids: frozenset = frozenset()

    def has_role(self, _name) -> bool:
        return False


HIDDEN_TABLES = {"kudos", "named"}  # lists of named people: for the pages, not for systems


@bp.get("/corps-health")
@operation("insights:read", query=schemas.HealthQuery,
               resp=responses(HTTP_200=schemas.HealthOut, HTTP_404=schemas.Error),
               tags=["corps health"])
def corps_health():
    """The corps-health figures of the page, with the page's privacy folding.

    Computed by the same service as the page: groups smaller than the programme minimum
    are folded into "Other" or left out (null); no table names a person.
    """
    query: schemas.HealthQuery = validated().query
    now, tz = utcnow(), org_tz()
    args = {"years": str(query.years), "resolution": query.resolution}
    if query.unit_id is not None:
        args["unit"] = str(query.unit_id)
    try:
        parsed = parse_query(args, now=now, tz=tz)
    except InsightsError as exc:
        raise ApiError(400, "invalid_query", str(exc)) from exc
    unit = None
    if query.unit_id is not None:
        unit = db.session.get(Unit, query.unit_id)
        if unit is None:
            raise ApiError(404, "not_found", "No unit has this id.")
    # A stand-in viewer with no role: corps_health's parameter names User, as the pages pass one.
    viewer = cast(User, _Integration())
    health = insights_health.corps_health(viewer, unit, parsed, now=now, tz=tz, rows=None)
    tables = [
        schemas.HealthTable(
            key=table.key, title=str(table.title),
            columns=[{"key": key, "label": str(label)} for key, label in table.shown_columns()],
            rows=[{key: _cell(row.get(key)) for key, _label in table.shown_columns()}
                  for row in table.rows],
            note=str(table.note) if table.note is not None else None)
        for table in health.tables if table.key not in HIDDEN_TABLES
    ]
    return schemas.HealthOut(
        unit_id=unit.id if unit else None, from_month=month_key(health.first_month),
        to_month=month_key(health.last_month), resolution=parsed.resolution,
        min_group=health.min_group, enough_people=health.enough_people, tables=tables)


def _cell(value):
    if value is None or isinstance(value, bool):
        return value if value is None else int(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)
