"""The channel report: applications and hires by where applicants came from.

Read from the applications table with one grouped query per period (indexes on the job and
the date), plus the clicks on the job posts' shares (human clicks still held raw, plus the
counts the retention job kept on each share). Employee-share lines are per network; a
network with fewer sharers behind it than the programme's minimum group is folded into
"employee shares, other networks", as other figures about people are
(advocacy/privacy/visibility.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, not_, or_, select, true

from advocacy.content.models import Post, PostKind
from advocacy.csvsafe import to_csv
from advocacy.extensions import db
from advocacy.programme.models import Programme
from advocacy.recruitment.models import Application
from advocacy.recruitment.service import (
    EMPLOYEE_SHARE,
    HIRED,
    JOB_BOARD,
    NETWORKS,
    OTHER,
    OWN_PAGES,
    PRINT,
    UNKNOWN,
    WORD_OF_MOUTH,
)
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

FOLDED = "employee_share:folded"
LINE_LABELS = {
    **{f"{EMPLOYEE_SHARE}:{n}": _l("Employee shares on %(network)s", network=label)
       for n, label in zip(NETWORKS, ("LinkedIn", "Facebook", "X", "Instagram"), strict=True)},
    FOLDED: _l("Employee shares, other networks"),
    f"{EMPLOYEE_SHARE}:": _l("Employee shares, network not known"),
    OWN_PAGES: _l("Our own pages"),
    JOB_BOARD: _l("Job boards"),
    PRINT: _l("Print"),
    WORD_OF_MOUTH: _l("Word of mouth"),
    OTHER: _l("Other"),
    UNKNOWN: _l("Not known"),
}
LINE_ORDER = list(LINE_LABELS)


@dataclass
class Line:
    key: str
    applications: int = 0
    hires: int = 0
    clicks: int = 0
    sharers: int = 0  # distinct people behind an employee-share line (never shown)

    @property
    def label(self) -> str:
        return str(LINE_LABELS.get(self.key, self.key))

    @property
    def is_share(self) -> bool:
        return self.key.startswith(EMPLOYEE_SHARE)

    def clicks_per_application(self) -> float | None:
        if not self.is_share or not self.applications:
            return None
        return round(self.clicks / self.applications, 1)


@dataclass
class Report:
    label: str
    start: datetime | None
    end: datetime | None
    lines: list[Line]

    @property
    def applications(self) -> int:
        return sum(line.applications for line in self.lines)

    @property
    def hires(self) -> int:
        return sum(line.hires for line in self.lines)

    def hire_share(self, line: Line) -> float | None:
        return round(100 * line.hires / self.hires, 1) if self.hires else None

    def rows(self) -> list[dict]:
        return [{
            "channel": line.label, "applications": line.applications, "hires": line.hires,
            "clicks": line.clicks if line.is_share else None,
            "clicks_per_application": line.clicks_per_application(),
            "hire_share": self.hire_share(line),
        } for line in self.lines]


COLUMNS = [
    ("channel", _l("Channel")),
    ("applications", _l("Applications")),
    ("hires", _l("Hires")),
    ("clicks", _l("Clicks on employee shares")),
    ("clicks_per_application", _l("Clicks per application")),
    ("hire_share", _l("Share of hires, %")),
]


def min_group() -> int:
    return db.session.scalar(select(Programme.min_group_size).limit(1)) or 5


def _line_key(channel: str, network: str | None) -> str:
    if channel == EMPLOYEE_SHARE:
        return f"{EMPLOYEE_SHARE}:{network or ''}"
    return channel if channel in LINE_LABELS else OTHER


def _bucket(bounds: Sequence[tuple[datetime | None, datetime | None]]):
    """A function from a timestamp to the index of its period (None: outside them all)."""
    if len(bounds) == 1:
        lo, hi = bounds[0]
        return lambda t: 0 if (lo is None or t >= lo) and (hi is None or t < hi) else None
    starts = [lo for lo, _hi in bounds if lo is not None]
    if len(starts) != len(bounds):
        raise ValueError("only a single period may be open at its start")
    last = bounds[-1][1]

    def index(t: datetime) -> int | None:
        if t < starts[0] or (last is not None and t >= last):
            return None
        return bisect_right(starts, t) - 1

    return index


def _utc_month(column):
    """'YYYY-MM' of a timestamp in UTC, in SQL (SQLite stores ISO text in UTC)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)


NEAR = timedelta(days=1)  # wider than any time zone's offset from UTC


def _split(column, bounds):
    """Conditions for rows that may be grouped by UTC month (no period boundary within a
    day of them) and for the few near a boundary, which are read one by one."""
    edges = sorted({t for pair in bounds for t in pair if t is not None})
    near = [and_(column >= t - NEAR, column < t + NEAR) for t in edges]
    if not near:
        return true(), false()
    return not_(or_(*near)), or_(*near)


def _month_period(month: str, where_of) -> int | None:
    year, mon = int(month[:4]), int(month[5:7])
    return where_of(datetime(year, mon, 15, tzinfo=UTC))


def figures(bounds: Sequence[tuple[datetime | None, datetime | None]], *,
            post_id: int | None = None, minimum: int | None = None) -> list[list[Line]]:
    """Lines per consecutive period (years, or one job's whole life) in a few queries.

    Rows far from a period boundary are grouped by UTC month in SQL, so a 5-year report
    reads a few hundred groups instead of every row; the rows within a day of a boundary
    (periods follow the organisation's time zone) are read one by one and placed exactly.
    """
    A = Application
    out: list[dict[str, Line]] = [{} for _ in bounds]
    where_of = _bucket(bounds)

    def line(index: int, key: str) -> Line:
        return out[index].setdefault(key, Line(key))

    job = [A.post_id == post_id] if post_id is not None else []
    far, near = _split(A.applied_at, bounds)
    month = _utc_month(A.applied_at).label("month")
    hired = func.sum(case((A.outcome == HIRED, 1), else_=0))
    grouped = select(month, A.channel, A.network, func.count(), hired).where(*job, far) \
        .group_by(month, A.channel, A.network)
    for key_month, channel, network, n, hires in db.session.execute(grouped).tuples():
        index = _month_period(key_month, where_of)
        if index is not None:
            entry = line(index, _line_key(channel, network))
            entry.applications += int(n)
            entry.hires += int(hires or 0)
    for applied_at, channel, network, outcome in db.session.execute(
        select(A.applied_at, A.channel, A.network, A.outcome).where(*job, near)
    ).tuples():
        index = where_of(applied_at)
        if index is not None:
            entry = line(index, _line_key(channel, network))
            entry.applications += 1
            entry.hires += outcome == HIRED
    # How many people shared behind each network line: for folding small groups only.
    sharers: list[dict[str, set]] = [{} for _ in bounds]
    for key_month, network, user_id in db.session.execute(
        select(month, A.network, Share.user_id).join(Share, Share.id == A.share_id)
        .where(*job, far, Share.user_id.is_not(None)).group_by(month, A.network, Share.user_id)
    ).tuples():
        index = _month_period(key_month, where_of)
        if index is not None:
            sharers[index].setdefault(_line_key(EMPLOYEE_SHARE, network), set()).add(user_id)
    for applied_at, network, user_id in db.session.execute(
        select(A.applied_at, A.network, Share.user_id).join(Share, Share.id == A.share_id)
        .where(*job, near, Share.user_id.is_not(None))
    ).tuples():
        index = where_of(applied_at)
        if index is not None:
            sharers[index].setdefault(_line_key(EMPLOYEE_SHARE, network), set()).add(user_id)
    for index, people in enumerate(sharers):
        for key, who in people.items():
            line(index, key).sharers = len(who)
    # Clicks on the job posts' shares made in the period: human clicks still held raw plus
    # the counts the retention job kept on each share.
    where = [Post.kind == PostKind.JOB]
    if post_id is not None:
        where.append(Share.post_id == post_id)
    s_far, s_near = _split(Share.created_at, bounds)
    s_month = _utc_month(Share.created_at).label("month")
    counted = select(Click.share_id, func.count().label("n")).where(Click.is_bot.is_(False))
    if post_id is not None:  # one job: only its own shares' clicks (by the clicks index)
        counted = counted.where(
            Click.share_id.in_(select(Share.id).where(Share.post_id == post_id)))
    raw_n = counted.group_by(Click.share_id).subquery()
    total = func.sum(Share.pruned_clicks + func.coalesce(raw_n.c.n, 0))
    base = select().select_from(Share).join(Post, Post.id == Share.post_id) \
        .outerjoin(raw_n, raw_n.c.share_id == Share.id).where(*where)
    for key_month, network, n in db.session.execute(
        base.add_columns(s_month, Share.network, total).where(s_far)
        .group_by(s_month, Share.network)
    ).tuples():
        index = _month_period(key_month, where_of)
        if index is not None:
            line(index, _line_key(EMPLOYEE_SHARE, network)).clicks += int(n or 0)
    for created_at, network, n in db.session.execute(
        base.add_columns(Share.created_at, Share.network,
                         Share.pruned_clicks + func.coalesce(raw_n.c.n, 0)).where(s_near)
    ).tuples():
        index = where_of(created_at)
        if index is not None:
            line(index, _line_key(EMPLOYEE_SHARE, network)).clicks += int(n or 0)
    minimum = min_group() if minimum is None else minimum
    result = []
    for lines in out:
        folded = Line(FOLDED)
        for key in [k for k in lines if k.startswith(EMPLOYEE_SHARE + ":")]:
            entry = lines[key]
            if entry.applications and entry.sharers < minimum:
                folded.applications += entry.applications
                folded.hires += entry.hires
                folded.clicks += entry.clicks
                del lines[key]
        if folded.applications:
            lines[FOLDED] = folded
        result.append([lines[k] for k in LINE_ORDER if k in lines and
                       (lines[k].applications or lines[k].clicks)])
    return result


def channel_figures(*, post_id: int | None = None, start: datetime | None = None,
                    end: datetime | None = None, minimum: int | None = None,
                    label: str = "") -> Report:
    """One period (or one job): applications, hires and clicks per line, small ones folded."""
    lines = figures([(start, end)], post_id=post_id, minimum=minimum)[0]
    return Report(label=label, start=start, end=end, lines=lines)


def job_report(post: Post, now: datetime) -> Report:
    """Short term: this job, from publication to its deadline (every application for it)."""
    start = post.published_at or post.starts_at or post.created_at
    report = channel_figures(post_id=post.id, label=post.title)
    report.start, report.end = start, post.deadline_at or now
    return report


def year_bounds(year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=tz).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC))


def yearly(years: int, now: datetime, tz: ZoneInfo) -> list[Report]:
    """Long term: the whole organisation, year by year (the corps-health page's span)."""
    last = now.astimezone(tz).year
    span = list(range(last - years + 1, last + 1))
    bounds = [year_bounds(year, tz) for year in span]
    return [Report(label=str(year), start=lo, end=hi, lines=lines)
            for year, (lo, hi), lines in zip(span, bounds, figures(bounds), strict=True)]


def chart(reports: list[Report], chart_id: str) -> dict:
    """Applications per line per report, for charts.js (the table beside it has them too)."""
    keys = [k for k in LINE_ORDER if any(line.key == k for r in reports for line in r.lines)]
    return {
        "id": chart_id, "type": "bar", "labels": [r.label for r in reports],
        "datasets": [{
            "label": str(LINE_LABELS[k]),
            "data": [next((line.applications for line in r.lines if line.key == k), 0)
                     for r in reports],
        } for k in keys],
    }


def report_csv(reports: list[Report]) -> str:
    header = [str(_l("Period")), *[str(label) for _key, label in COLUMNS]]
    rows = []
    for report in reports:
        for row in report.rows():
            rows.append([report.label, *[row[key] for key, _label in COLUMNS]])
    return to_csv(header, rows)


def job_posts() -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.kind == PostKind.JOB)
                                   .order_by(Post.created_at.desc(), Post.id.desc())))
