"""The channel report (M14, M15): applications and hires by where applicants came from.

Read from the applications table with one grouped query per period (indexes on the job and
the date), plus the clicks on the job posts' shares (human clicks still held raw, plus the
counts the retention job kept on each share). Employee-share lines are per network; a
network with fewer sharers behind it than the programme's minimum group is folded into
"employee shares, other networks", as other figures about people are (advocacy/access.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

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
    sharers: set = field(default_factory=set)

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


def channel_figures(*, post_id: int | None = None, start: datetime | None = None,
                    end: datetime | None = None, minimum: int | None = None,
                    label: str = "") -> Report:
    """One period (or one job): applications, hires and clicks per line, small ones folded."""
    A = Application
    where = []
    if post_id is not None:
        where.append(A.post_id == post_id)
    if start is not None:
        where.append(A.applied_at >= start)
    if end is not None:
        where.append(A.applied_at < end)
    lines: dict[str, Line] = {}
    for channel, network, n, hires in db.session.execute(
        select(A.channel, A.network, func.count(),
               func.sum(case((A.outcome == HIRED, 1), else_=0)))
        .where(*where).group_by(A.channel, A.network)
    ).tuples():
        line = lines.setdefault(_line_key(channel, network), Line(_line_key(channel, network)))
        line.applications += int(n)
        line.hires += int(hires or 0)
    # Who shared: for folding small groups only (never shown).
    for network, user_id in db.session.execute(
        select(A.network, Share.user_id).join(Share, Share.id == A.share_id)
        .where(*where, A.channel == EMPLOYEE_SHARE).group_by(A.network, Share.user_id)
    ).tuples():
        lines.setdefault(_line_key(EMPLOYEE_SHARE, network),
                         Line(_line_key(EMPLOYEE_SHARE, network))).sharers.add(user_id)
    # Clicks on the job posts' shares made in the period (raw human clicks + pruned counts).
    share_where = [Post.kind == PostKind.JOB]
    if post_id is not None:
        share_where.append(Share.post_id == post_id)
    if start is not None:
        share_where.append(Share.created_at >= start)
    if end is not None:
        share_where.append(Share.created_at < end)
    for network, pruned in db.session.execute(
        select(Share.network, func.sum(Share.pruned_clicks)).join(Post, Post.id == Share.post_id)
        .where(*share_where).group_by(Share.network)
    ).tuples():
        key = _line_key(EMPLOYEE_SHARE, network)
        lines.setdefault(key, Line(key)).clicks += int(pruned or 0)
    for network, n in db.session.execute(
        select(Share.network, func.count()).select_from(Click)
        .join(Share, and_(Share.id == Click.share_id, Click.is_bot.is_(False)))
        .join(Post, Post.id == Share.post_id)
        .where(*share_where).group_by(Share.network)
    ).tuples():
        key = _line_key(EMPLOYEE_SHARE, network)
        lines.setdefault(key, Line(key)).clicks += int(n)
    minimum = min_group() if minimum is None else minimum
    folded = Line(FOLDED)
    for key in [k for k in lines if k.startswith(EMPLOYEE_SHARE + ":") and k != FOLDED]:
        line = lines[key]
        if line.applications and len(line.sharers) < minimum:
            folded.applications += line.applications
            folded.hires += line.hires
            folded.clicks += line.clicks
            folded.sharers |= line.sharers
            del lines[key]
    if folded.applications:
        lines[FOLDED] = folded
    ordered = [lines[k] for k in LINE_ORDER if k in lines and
               (lines[k].applications or lines[k].clicks)]
    return Report(label=label, start=start, end=end, lines=ordered)


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
    out = []
    minimum = min_group()
    for year in range(last - years + 1, last + 1):
        start, end = year_bounds(year, tz)
        out.append(channel_figures(start=start, end=end, minimum=minimum, label=str(year)))
    return out


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
