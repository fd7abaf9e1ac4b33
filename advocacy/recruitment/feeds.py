"""Job feeds in: an ATS's RSS, Atom or JSON feed becomes draft job posts, kept in step.

A feed entry is known by its job reference, else its entry id, else its link, so a rerun
updates the post it made instead of adding another, and a job whose reference a curator
already typed in is adopted rather than doubled. Jobs that left the feed are archived.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import feedparser
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocacy.audit import service as audit
from advocacy.content import history, post_input
from advocacy.content.models import Post, PostKind, PostStatus
from advocacy.extensions import db
from advocacy.recruitment.fetch import Fetched, FetchError, fetch
from advocacy.recruitment.models import JobFeed, JobFeedItem, JobFeedRun

MAX_ENTRIES = 2000
REFERENCE_KEYS = ("job_reference", "reference", "jobreference", "referencenumber", "jobid",
                  "job_id", "webcruiter_reference", "jobbnorge_jobid", "jobnumber")
DEADLINE_KEYS = ("deadline", "applicationdeadline", "application_deadline", "job_deadline",
                 "applicationdue", "jobbnorge_deadline", "webcruiter_deadline", "expires")
PLACE_KEYS = ("location", "place", "workplace", "job_location", "municipality", "city",
              "jobbnorge_location", "webcruiter_workplace")


class FeedError(ValueError):
    """A feed that cannot be used; the reason is shown with the feed."""


@dataclass(frozen=True)
class Job:
    key: str
    title: str
    link: str
    reference: str | None
    deadline_at: datetime | None
    place: str


def parse_when(value: str | None, tz: ZoneInfo) -> datetime | None:
    """RFC 822, ISO 8601 or Norwegian/Danish day.month.year; a bare date means its end."""
    value = (value or "").strip()
    if not value:
        return None
    moment: datetime | None = None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        else:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                moment = datetime.combine(moment.date(), time(23, 59))
    if moment is None:
        found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
        if found:
            day, month, year = (int(g) for g in found.groups())
            try:
                moment = datetime(year, month, day, 23, 59)
            except ValueError:
                return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _first(entry: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _job(key: str, title: str, link: str, reference: str, deadline: str, place: str,
         tz: ZoneInfo) -> Job | None:
    title, link = " ".join((title or "").split())[:200], (link or "").strip()[:2000]
    if not title or post_input.link_problem(link):
        return None
    job_reference = reference[:100] or None
    key = (job_reference or key or link)[:300]
    return Job(key=key, title=title, link=link, reference=job_reference,
               deadline_at=parse_when(deadline, tz), place=place[:200])


def _json_feed(body: bytes, tz: ZoneInfo) -> list[Job]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(str(_l("This is not a feed: the JSON cannot be read."))) from exc
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/"):
        raise FeedError(str(_l("This is not a feed: JSON without a JSON Feed version.")))
    jobs = []
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        job_part = item.get("_job")
        extra = job_part if isinstance(job_part, dict) else {}
        flat = {k.lower(): v for k, v in {**item, **extra}.items() if isinstance(v, str)}
        job = _job(str(item.get("id") or ""), str(item.get("title") or ""),
                   str(item.get("url") or ""), _first(flat, REFERENCE_KEYS),
                   _first(flat, DEADLINE_KEYS), _first(flat, PLACE_KEYS), tz)
        if job:
            jobs.append(job)
    return jobs


def parse(fetched: Fetched, tz: ZoneInfo) -> list[Job]:
    """The jobs in a feed; a page that is no feed at all is an error, not an empty list."""
    head = fetched.body.lstrip()[:1]
    if "json" in fetched.content_type or head in {b"{", b"["}:
        jobs = _json_feed(fetched.body, tz)
    else:
        parsed = feedparser.parse(fetched.body)
        if not parsed.get("version"):
            raise FeedError(str(_l("This is not an RSS or Atom feed.")))
        jobs = []
        for entry in parsed.entries[:MAX_ENTRIES]:
            flat = {k.lower(): v for k, v in entry.items()}
            job = _job(str(entry.get("id") or ""), entry.get("title", ""),
                       entry.get("link", ""), _first(flat, REFERENCE_KEYS),
                       _first(flat, DEADLINE_KEYS), _first(flat, PLACE_KEYS), tz)
            if job:
                jobs.append(job)
    if not jobs:
        # An ATS that answers with an empty list is more often broken than out of jobs:
        # nothing is archived on its word.
        raise FeedError(str(_l("The feed lists no jobs; nothing was changed.")))
    seen, unique = set(), []
    for job in jobs:
        if job.key not in seen:
            seen.add(job.key)
            unique.append(job)
    return unique


def _apply(post: Post, job: Job, now: datetime) -> bool:
    before = history.snapshot(post)
    if post.status == PostStatus.DRAFT:
        post.title = job.title
    post.link = job.link
    if job.reference and not post.job_reference:
        post.job_reference = job.reference
    if job.deadline_at is not None:
        post.deadline_at = job.deadline_at
    if job.place:
        post.place = job.place
    changes = history.diff(before, history.snapshot(post))
    if changes:
        history.record(post, "updated", None, now, {**changes, "source": ["", "job feed"]})
    return bool(changes)


def apply_jobs(feed: JobFeed, jobs: list[Job], now: datetime) -> JobFeedRun:
    """Create, update and archive posts so that they match the feed; flushes, never commits."""
    run = JobFeedRun(feed_id=feed.id, started_at=now, ok=True, unchanged=0, changes={
        "created": [], "updated": [], "archived": []})
    items = {item.key: item for item in db.session.scalars(
        select(JobFeedItem).where(JobFeedItem.feed_id == feed.id))}
    changes: dict[str, list] = {"created": [], "updated": [], "archived": []}
    for job in jobs:
        item = items.get(job.key)
        post = db.session.get(Post, item.post_id) if item else None
        if post is None and job.reference:
            post = db.session.scalar(select(Post).where(Post.job_reference == job.reference))
        if post is None:
            post = Post(title=job.title, link=job.link, kind=PostKind.JOB,
                        status=PostStatus.DRAFT, job_reference=job.reference,
                        deadline_at=job.deadline_at, place=job.place, created_at=now,
                        updated_at=now)
            db.session.add(post)
            db.session.flush()
            history.record(post, "created", None, now, {"source": ["", "job feed"]})
            changes["created"].append([post.id, post.title])
        else:
            reopened = item is not None and item.gone_at is not None
            if reopened and post.status == PostStatus.ARCHIVED:
                post.status = PostStatus.DRAFT
            if _apply(post, job, now) or reopened:
                changes["updated"].append([post.id, post.title])
            else:
                run.unchanged += 1
        if item is None:
            item = JobFeedItem(feed_id=feed.id, key=job.key, post_id=post.id,
                               first_seen_at=now, last_seen_at=now)
            db.session.add(item)
            items[job.key] = item
        item.last_seen_at, item.gone_at = now, None
    present = {job.key for job in jobs}
    for key, item in items.items():
        if key in present or item.gone_at is not None:
            continue
        item.gone_at = now
        post = db.session.get(Post, item.post_id)
        if post is not None and post.status != PostStatus.ARCHIVED:
            history.record(post, "archived", None, now,
                           {"status": [post.status, PostStatus.ARCHIVED],
                            "source": ["", "job feed"]})
            post.status = PostStatus.ARCHIVED
            changes["archived"].append([post.id, post.title])
    run.created, run.updated, run.archived = (
        len(changes["created"]), len(changes["updated"]), len(changes["archived"]))
    run.changes = changes
    run.finished_at = now
    db.session.add(run)
    feed.last_run_at, feed.last_ok, feed.last_error = now, True, None
    db.session.flush()
    return run


def record_failure(feed: JobFeed, reason: str, now: datetime) -> JobFeedRun:
    run = JobFeedRun(feed_id=feed.id, started_at=now, finished_at=now, ok=False,
                     error=reason[:2000], changes={})
    db.session.add(run)
    feed.last_run_at, feed.last_ok, feed.last_error = now, False, reason[:2000]
    db.session.flush()
    return run


def read_feed(feed: JobFeed, *, now: datetime, tz: ZoneInfo, timeout: float,
              max_bytes: int, allow_private: bool) -> JobFeedRun:
    """Fetch, parse, apply; a failure anywhere is recorded with its reason and changes nothing.

    The caller commits after a failure too, so the reason is kept; posts are changed in a
    savepoint that is rolled back if applying fails half-way.
    """
    try:
        fetched = fetch(feed.url, timeout=timeout, max_bytes=max_bytes,
                        allow_private=allow_private)
        jobs = parse(fetched, tz)
    except (FetchError, FeedError) as exc:
        return record_failure(feed, str(exc), now)
    try:
        with db.session.begin_nested():
            return apply_jobs(feed, jobs, now)
    except Exception as exc:  # a half-applied feed is rolled back, the reason kept
        return record_failure(feed, f"{type(exc).__name__}: {exc}", now)


# --- curators' side ----------------------------------------------------------------------

def add_feed(url: str, name: str, *, by_user_id: int | None, now: datetime) -> JobFeed:
    url, name = (url or "").strip(), (name or "").strip()
    if problem := post_input.link_problem(url):
        raise FeedError(str(problem))
    if len(url) > 2000 or len(name) > 200:
        raise FeedError(str(_l("Use at most %(n)d characters.", n=2000)))
    if db.session.scalar(select(JobFeed.id).where(JobFeed.url == url)):
        raise FeedError(str(_l("This feed has been added already.")))
    feed = JobFeed(url=url, name=name, created_at=now)
    db.session.add(feed)
    db.session.flush()
    # who added it goes to the audit log (erasure rules there), not onto the feed

    audit.record(by_user_id, "job_feed.add", now=now, target_type="job_feed",
                 target_id=feed.id, details={"url": url})
    return feed


def active_feed_ids() -> list[int]:
    return list(db.session.scalars(select(JobFeed.id).where(JobFeed.active.is_(True))
                                   .order_by(JobFeed.id)))
