"""Corps health over 5 years: rollups vs raw events, incremental rollup and full rebuild.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench \\
        python bench/corps_health.py [--ambassadors 10000] [--years 5] [--runs 7] [--keep]

The database is emptied, migrated and filled by `flask demo-data --ambassadors N --years Y`
itself (run as a subprocess, so the data is exactly what the command makes: people joining
over the years, some moving and some stopping, leaders, shares, clicks, skips, snoozes,
endorsements, kudos, the activity record and its rollups). `--keep` reuses the data already
in the database. It then prints, in one run:

* a full rebuild of every rollup (`flask activity rebuild`);
* the median server time of the organisation-wide corps-health page (5 years, by quarter),
  rendered through the Flask test client as the demo curator;
* the median time of the same figures computed straight from the raw events, clicks, people
  and unit history, and the ratio of the two;
* an incremental rollup after one new day (10,000 shares with their events, 50,000 clicks);
* a second full rebuild.
"""

from __future__ import annotations

import argparse
import bisect
import os
import statistics
import subprocess  # nosec B404 - runs our own CLI
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret")

from sqlalchemy import create_engine, text  # noqa: E402

TZ_NAME = "Europe/Oslo"


def reset(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def vacuum(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def flask(url: str, *args: str) -> None:
    """Run `flask --app advocacy ...` on the bench database, echoing its output."""
    env = {**os.environ, "DATABASE_URL": url, "ORG_TIMEZONE": TZ_NAME,
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "flask", "--app", "advocacy", *args],  # nosec B603
                   cwd=ROOT, env=env, check=True)


def one_new_day(db, now: datetime) -> None:
    """10,000 shares by ambassadors of live posts (with their events), 50,000 clicks."""
    params = {"now": now, "tz": TZ_NAME}
    before = db.session.execute(text("SELECT coalesce(max(id), 0) FROM shares")).scalar()
    params["before"] = before
    db.session.execute(text("""
        WITH people AS (SELECT array_agg(user_id ORDER BY user_id) ids FROM roles
                        WHERE name = 'ambassador'),
             live AS (SELECT array_agg(id ORDER BY id) ids FROM posts
                      WHERE status = 'live' AND published_at IS NOT NULL)
        INSERT INTO shares (user_id, post_id, network, text, token, created_at, pruned_clicks)
        SELECT people.ids[1 + (g * 7919) % array_length(people.ids, 1)],
               live.ids[1 + (g * 31) % array_length(live.ids, 1)],
               (ARRAY['linkedin', 'facebook', 'x', 'instagram'])[1 + g % 4], '',
               md5('bench-day-' || g || '-' || :now), :now - random() * interval '20 hours', 0
        FROM generate_series(1, 10000) g, people, live"""), params)
    db.session.execute(text("""
        INSERT INTO activity_events (kind, occurred_at, user_id, unit_id, as_leader, post_id,
                                     ref_id, network, value)
        SELECT 'share', s.created_at, s.user_id, u.unit_id,
               EXISTS (SELECT 1 FROM roles r WHERE r.user_id = s.user_id AND r.name = 'leader'),
               s.post_id, s.id, s.network,
               greatest(0, extract(epoch FROM s.created_at - p.published_at) / 60)::int
        FROM shares s JOIN users u ON u.id = s.user_id JOIN posts p ON p.id = s.post_id
        WHERE s.id > :before ORDER BY s.created_at"""), params)
    db.session.execute(text("""
        INSERT INTO clicks (share_id, created_at, visitor_hash, referrer_host, is_bot, is_repeat)
        SELECT s.id, s.created_at + random() * (:now - s.created_at), md5(s.id || '/' || k),
               NULL, false, false
        FROM shares s CROSS JOIN generate_series(1, 5) k WHERE s.id > :before"""), params)
    db.session.commit()


# The same figures as the organisation-wide page (5 years by quarter), from the raw rows.
RAW_SQL = {
    "ambassadors": """
        SELECT u.id, min(r.created_at), u.named_opt_in, u.unit_id FROM users u
        JOIN roles r ON r.user_id = u.id AND r.name = 'ambassador'
        WHERE u.active GROUP BY u.id""",
    "memberships": """
        SELECT user_id, unit_id, valid_from, valid_to FROM unit_memberships
        ORDER BY valid_from""",
    "activity": """
        SELECT date_trunc('quarter', occurred_at AT TIME ZONE :tz) q,
               count(*) FILTER (WHERE kind = 'share'),
               count(*) FILTER (WHERE kind = 'application')
        FROM activity_events WHERE occurred_at >= :since - interval '1 year' GROUP BY 1""",
    "clicks": """
        SELECT date_trunc('quarter', c.created_at AT TIME ZONE :tz), count(*)
        FROM clicks c JOIN activity_events e ON e.kind = 'share' AND e.ref_id = c.share_id
        WHERE NOT c.is_bot AND c.created_at >= :since - interval '1 year' GROUP BY 1""",
    "active_people": """
        SELECT date_trunc('quarter', occurred_at AT TIME ZONE :tz), count(DISTINCT user_id)
        FROM activity_events WHERE kind = 'share' AND occurred_at >= :since GROUP BY 1""",
    "concentration": """
        WITH per AS (SELECT date_trunc('quarter', occurred_at AT TIME ZONE :tz) q, user_id,
                            count(*) s FROM activity_events
                     WHERE kind = 'share' AND occurred_at >= :since AND user_id IS NOT NULL
                     GROUP BY 1, 2),
             ranked AS (SELECT q, s, row_number() OVER (PARTITION BY q ORDER BY s DESC) rn,
                               count(*) OVER (PARTITION BY q) n FROM per)
        SELECT q, count(*), sum(s), sum(s) FILTER (WHERE rn <= (n + 9) / 10)
        FROM ranked GROUP BY q""",
    "leaders": """
        SELECT date_trunc('quarter', occurred_at AT TIME ZONE :tz), as_leader, count(*),
               avg(value), count(*) FILTER (WHERE value < 1440),
               count(DISTINCT user_id) FILTER (WHERE as_leader)
        FROM activity_events WHERE kind = 'share' AND occurred_at >= :since GROUP BY 1, 2""",
    "networks": """
        SELECT date_trunc('quarter', occurred_at AT TIME ZONE :tz), network, count(*)
        FROM activity_events WHERE kind = 'share' AND occurred_at >= :since GROUP BY 1, 2""",
    "topics": """
        SELECT date_trunc('quarter', e.occurred_at AT TIME ZONE :tz), pt.topic_id, count(*)
        FROM activity_events e JOIN post_topics pt ON pt.post_id = e.post_id
        WHERE e.kind = 'share' AND e.occurred_at >= :since GROUP BY 1, 2""",
    "last_share": """
        SELECT user_id, max(occurred_at) FROM activity_events
        WHERE kind = 'share' AND occurred_at >= :now - interval '90 days' GROUP BY 1""",
    "warnings_and_stopped": """
        SELECT user_id, unit_id, count(DISTINCT date_trunc('month', occurred_at AT TIME ZONE :tz)),
               max(occurred_at) FROM activity_events
        WHERE kind = 'share' AND occurred_at >= :now - interval '15 months' GROUP BY 1, 2""",
    "named": """
        SELECT e.user_id, count(*) FROM activity_events e JOIN users u ON u.id = e.user_id
        WHERE u.named_opt_in AND e.kind = 'share' AND e.occurred_at >= :since GROUP BY 1""",
}
RETENTION_SQL = """
    SELECT DISTINCT user_id, (extract(year FROM occurred_at AT TIME ZONE :tz) * 12
                              + extract(month FROM occurred_at AT TIME ZONE :tz) - 1)::int
    FROM activity_events WHERE kind = 'share' AND occurred_at >= :since"""


def raw_figures(db, since: datetime, now: datetime) -> None:
    """Everything the page shows, straight from events, clicks, people and unit history."""
    from advocacy.activity.months import month_of
    from advocacy.orgtime import org_tz

    tz = org_tz()
    params = {"tz": TZ_NAME, "since": since, "now": now}
    results = {name: db.session.execute(text(sql), params).all()
               for name, sql in RAW_SQL.items()}
    # enrolment at the end of each quarter and retention by joining quarter, as the page has it
    current = month_of(now, tz)
    joined = sorted(month_of(row[1], tz) for row in results["ambassadors"])
    enrolled = [bisect.bisect_right(joined, q * 3 + 2)
                for q in range(current // 3 - 20, current // 3 + 1)]
    active = set(db.session.execute(text(RETENTION_SQL), params).tuples())
    cohorts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for user_id, first, _named, _unit in results["ambassadors"]:
        j = month_of(first, tz)
        if j >= month_of(since, tz):
            cohorts[j // 3].append((user_id, j))
    retention = {}
    for quarter, people in cohorts.items():
        retention[quarter] = [
            sum(1 for u, j in people
                if any((u, m) in active for m in range(j + k - 2, j + k + 1)))
            for k in (3, 6, 12, 24, 36)
        ]
    db.session.rollback()
    return enrolled, retention


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ambassadors", type=int, default=10000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the data already there")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL",
                         "postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench")
    if not args.keep:
        reset(url)
        flask(url, "db", "upgrade")
        started = time.perf_counter()
        flask(url, "demo-data", "--ambassadors", str(args.ambassadors),
              "--years", str(args.years))
        print(f"demo-data (with its rollups): {time.perf_counter() - started:.1f}s wall clock")

    from advocacy import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "ORG_TIMEZONE": TZ_NAME})
    from advocacy.activity.months import month_of, month_start
    from advocacy.activity.rollup import rebuild, rollup_recent
    from advocacy.demo.catalogue import DEMO_PASSWORD, DOMAIN
    from advocacy.extensions import db
    from advocacy.orgtime import org_tz

    now = datetime.now(UTC)
    with app.app_context():
        counts = db.session.execute(text(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM shares), "
            "(SELECT count(*) FROM clicks), (SELECT count(*) FROM activity_events)")).one()
        print("data: users={:,} shares={:,} clicks={:,} activity_events={:,}".format(*counts))
        started = time.perf_counter()
        months = rebuild(org_tz())
        db.session.commit()
        print(f"full rebuild: {len(months)} months in {time.perf_counter() - started:.1f}s")
        sizes = db.session.execute(text(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables "
            "WHERE relname LIKE 'activity\\_%' AND relname <> 'activity_events' "
            "ORDER BY relname")).all()
        print("rollup rows: " + ", ".join(f"{name}={n:,}" for name, n in sizes))
        db.session.commit()
    # What autovacuum does after a bulk write: fresh statistics and visibility maps (so the
    # person-month index answers without visiting the table).
    vacuum(url)

    client = app.test_client()
    response = client.post("/login", data={"email": f"kurator@{DOMAIN}",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    page = "/insights/health?years=5&resolution=quarter"

    def render():
        got = client.get(page)
        assert got.status_code == 200 and b"chart-activity" in got.data, got.status_code

    render()  # warm-up: templates compiled, connections open
    page_times = timed(render, args.runs)
    with app.app_context():
        since = month_start(month_of(now, org_tz()) - 59, org_tz())
        raw_figures(db, since, now)  # warm-up
        raw_times = timed(lambda: raw_figures(db, since, now), args.runs)
        page_ms = statistics.median(page_times) * 1000
        raw_ms = statistics.median(raw_times) * 1000
        print(f"corps-health page, organisation, 5 years by quarter: median {page_ms:.0f} ms "
              f"(min {min(page_times) * 1000:.0f}, max {max(page_times) * 1000:.0f})")
        print(f"same figures from raw events: median {raw_ms:.0f} ms "
              f"(min {min(raw_times) * 1000:.0f}, max {max(raw_times) * 1000:.0f})")
        print(f"ratio raw / rollups: {raw_ms / page_ms:.1f}x")

        rollup_recent(datetime.now(UTC), org_tz())  # bring the marks up to date
        db.session.commit()
        one_new_day(db, datetime.now(UTC) - timedelta(seconds=1))
        started = time.perf_counter()
        months = rollup_recent(datetime.now(UTC), org_tz())
        db.session.commit()
        print(f"incremental rollup after one day (10,000 shares, 50,000 clicks): "
              f"{time.perf_counter() - started:.2f}s ({len(months)} month(s) recomputed)")
        started = time.perf_counter()
        months = rebuild(org_tz())
        db.session.commit()
        print(f"full rebuild ({len(months)} months): {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
