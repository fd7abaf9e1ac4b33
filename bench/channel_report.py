"""The channel report for an organisation with 5 years of data and 20,000 applications.

    python bench/channel_report.py [--applications 20000] [--years 5] [--runs 9]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_recruit \\
        python bench/channel_report.py

The database (a temporary SQLite file unless BENCH_DATABASE_URL names one, which is emptied)
is migrated and filled in bulk: 400 ambassadors, 300 job posts spread over the years, 12,000
shares of them with 60,000 clicks, and the applications with channels, outcomes and (for a
third) the share that brought them. It prints, in one run:

* the median time of the long-term report (every year, whole organisation) and of the
  short-term report of the busiest job, as the page computes them (grouped queries);
* the median time of the same figures computed from the raw rows in Python (every
  application, share and click loaded), and the ratio;
* and checks that both give the same figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret")

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

NETWORKS = ("linkedin", "facebook", "x", "instagram")
OTHERS = ("own_pages", "job_board", "print", "word_of_mouth", "other", "unknown")


def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def fill(db, applications: int, years: int, now: datetime, rng: random.Random) -> None:
    from advocacy.accounts.models import User
    from advocacy.content.models import Post
    from advocacy.recruitment.models import Application
    from advocacy.sharing.models import Share, new_reference
    from advocacy.tracking.models import Click

    start = now - timedelta(days=365 * years)
    span = (now - start).total_seconds()

    def moment():
        return start + timedelta(seconds=rng.random() * span)

    conn = db.session.connection()
    conn.execute(insert(User), [
        {"email": f"a{i}@example.org", "name": f"A {i}", "password_hash": "x", "title": "",
         "locale": "nb", "active": True, "created_at": start, "joined_at": start}
        for i in range(400)])
    user_ids = list(db.session.scalars(select(User.id)))
    conn.execute(insert(Post), [
        {"title": f"Job {i}", "link": f"https://jobs.example.org/{i}", "kind": "job",
         "status": "live", "created_at": (t := moment()), "updated_at": t, "published_at": t,
         "deadline_at": t + timedelta(days=21), "place": "Sentrum", "job_reference": f"J-{i}",
         "audience_titles": [], "audience_languages": []} for i in range(300)])
    posts = db.session.execute(select(Post.id, Post.published_at)).all()
    shares = []
    for i in range(12_000):
        post_id, published = rng.choice(posts)
        shares.append({"user_id": rng.choice(user_ids), "post_id": post_id,
                       "network": rng.choice(NETWORKS), "text": "", "token": f"t{i:031d}",
                       "reference": new_reference(), "pruned_clicks": rng.randint(0, 5),
                       "created_at": min(now, published + timedelta(hours=rng.randint(0, 400)))})
    conn.execute(insert(Share), shares)
    share_rows = db.session.execute(select(Share.id, Share.post_id, Share.network,
                                           Share.created_at)).all()
    conn.execute(insert(Click), [
        {"share_id": (s := rng.choice(share_rows)).id, "created_at": s.created_at,
         "visitor_hash": "h", "referrer_host": None, "is_bot": rng.random() < 0.1,
         "is_repeat": False} for _ in range(60_000)])
    apps = []
    for i in range(applications):
        if rng.random() < 0.35:
            s = rng.choice(share_rows)
            row = {"post_id": s.post_id, "channel": "employee_share", "network": s.network,
                   "share_id": s.id, "applied_at": s.created_at + timedelta(hours=5)}
        else:
            post_id, published = rng.choice(posts)
            row = {"post_id": post_id, "channel": rng.choice(OTHERS), "network": None,
                   "share_id": None, "applied_at": published + timedelta(days=rng.randint(0, 20))}
        row.update({"ats_application_id": f"A-{i}", "answer": None, "reported_via": "api",
                    "outcome": "hired" if rng.random() < 0.06 else "applied",
                    "hired_at": None, "updated_at": row["applied_at"], "anonymised_at": None})
        apps.append(row)
    conn.execute(insert(Application), apps)
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # fresh statistics after the bulk load, as in production
    db.session.commit()


def from_raw(db, tz, years: int, now: datetime, post_id: int | None, minimum: int):
    """The same figures from every raw row, in Python: the baseline."""
    from advocacy.content.models import Post
    from advocacy.recruitment import report
    from advocacy.recruitment.models import Application
    from advocacy.sharing.models import Share
    from advocacy.tracking.models import Click

    apps = db.session.scalars(select(Application)).all()
    shares = {s.id: s for s in db.session.scalars(select(Share)).all()}
    kinds = dict(db.session.execute(select(Post.id, Post.kind)).tuples().all())
    clicks = defaultdict(int)
    for click in db.session.scalars(select(Click)).all():
        if not click.is_bot:
            clicks[click.share_id] += 1
    if post_id is not None:
        periods = [(None, None)]
    else:
        last = now.astimezone(tz).year
        periods = [report.year_bounds(y, tz) for y in range(last - years + 1, last + 1)]
    out = []
    for start, end in periods:
        lines: dict[str, dict] = defaultdict(lambda: {"a": 0, "h": 0, "c": 0, "who": set()})
        for a in apps:
            if post_id is not None and a.post_id != post_id:
                continue
            if start is not None and not start <= a.applied_at < end:
                continue
            key = report._line_key(a.channel, a.network)
            lines[key]["a"] += 1
            lines[key]["h"] += a.outcome == "hired"
            if a.share_id in shares:
                lines[key]["who"].add(shares[a.share_id].user_id)
        for s in shares.values():
            if kinds.get(s.post_id) != "job" or (post_id is not None and s.post_id != post_id):
                continue
            if start is not None and not start <= s.created_at < end:
                continue
            lines[f"employee_share:{s.network}"]["c"] += s.pruned_clicks + clicks[s.id]
        folded = {"a": 0, "h": 0, "c": 0}
        for key in [k for k in lines if k.startswith("employee_share:")]:
            if lines[key]["a"] and len(lines[key]["who"]) < minimum:
                for k in folded:
                    folded[k] += lines[key][k]
                del lines[key]
        if folded["a"]:
            lines[report.FOLDED] = {**folded, "who": set()}
        out.append({k: (v["a"], v["h"], v["c"]) for k, v in lines.items() if v["a"] or v["c"]})
    return out


def as_figures(reports):
    return [{line.key: (line.applications, line.hires, line.clicks) for line in r.lines}
            for r in reports]


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-recruit-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    reset(url)
    from flask_migrate import upgrade

    from advocacy import create_app
    from advocacy.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "ORG_TIMEZONE": "Europe/Oslo", "SERVER_NAME": None})
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with app.app_context():
        from zoneinfo import ZoneInfo

        from advocacy.recruitment import report
        from advocacy.recruitment.models import Application

        upgrade()
        started = time.perf_counter()
        fill(db, args.applications, args.years, now, random.Random(1))
        print(f"database: {url.split('://')[0]}; filled in {time.perf_counter() - started:.1f} s")
        tz = ZoneInfo("Europe/Oslo")
        minimum = report.min_group()
        from sqlalchemy import func

        busiest = db.session.execute(select(Application.post_id, func.count())
                                     .group_by(Application.post_id)
                                     .order_by(func.count().desc()).limit(1)).first()[0]
        from advocacy.content.models import Post

        job = db.session.get(Post, busiest)
        long_fast = as_figures(report.yearly(args.years, now, tz))
        long_raw = from_raw(db, tz, args.years, now, None, minimum)
        short_fast = as_figures([report.job_report(job, now)])
        short_raw = from_raw(db, tz, args.years, now, busiest, minimum)
        assert long_fast == long_raw, (long_fast, long_raw)
        assert short_fast == short_raw, (short_fast, short_raw)
        total = sum(a for year in long_fast for a, _h, _c in year.values())
        print(f"applications in the report's {args.years} years: {total}; figures match raw rows")
        for name, fast, slow in (
            (f"long term ({args.years} years)",
             lambda: report.yearly(args.years, now, tz),
             lambda: from_raw(db, tz, args.years, now, None, minimum)),
            ("short term (busiest job)", lambda: report.job_report(job, now),
             lambda: from_raw(db, tz, args.years, now, busiest, minimum)),
        ):
            db.session.expire_all()
            fast_ms = median_ms(fast, args.runs)
            db.session.expire_all()
            slow_ms = median_ms(slow, max(3, args.runs // 3))
            verdict = "meets" if fast_ms < 300 else "MISSES"
            print(f"{name}: report {fast_ms:.1f} ms median, from raw rows {slow_ms:.1f} ms, "
                  f"{slow_ms / fast_ms:.1f}x; {verdict} the 300 ms target")
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


if __name__ == "__main__":
    main()
