"""Corps health over 5 years: rollups vs raw events, incremental rollup and full rebuild.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/issue5_bench \\
        python bench/corps_health.py [--ambassadors 10000] [--years 5] [--runs 7]

The database is emptied and filled by a generator of our own (set-based SQL, seconds rather
than minutes), shaped like `flask demo-data --ambassadors N --years Y`: 60 units under 6
areas, N ambassadors joining over the years plus 100 leaders, ~1,800 posts on 10 topics,
about 25 shares per ambassador-year and ~3 human clicks per share. It prints:

* the median server time of the organisation-wide corps-health page (5 years, by quarter),
  rendered through the Flask test client as a logged-in curator;
* the median time of the same figures computed straight from the raw events and clicks;
* their ratio;
* the time of an incremental rollup after one new day (10,000 shares, 50,000 clicks);
* the time of a full rebuild of every month.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ADVOCACY_FAST_PASSWORD_HASH", "1")
os.environ.setdefault("SECRET_KEY", "bench-secret")

from sqlalchemy import create_engine, text  # noqa: E402

TZ_NAME = "Europe/Oslo"
PASSWORD = "bench-password-123"


def reset(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def generate(db, ambassadors: int, years: int, now: datetime) -> dict[str, int]:
    """Fill the database with set-based SQL (PostgreSQL)."""
    from advocacy.accounts.service import hash_password

    start = now.replace(year=now.year - years)
    params = {"start": start, "now": now, "n": ambassadors, "years": years,
              "pw": hash_password(PASSWORD)}
    run = lambda sql: db.session.execute(text(sql), params)  # noqa: E731
    run("SELECT setseed(0.42)")
    run("INSERT INTO programmes (id, name, purpose, guidelines, guidelines_version, "
        "min_group_size, retention_days, updated_at, leaders_first_minutes, "
        "warning_drop_percent) VALUES (1, 'Bench', 'p', 'g', 1, 5, 90, :now, 60, 50)")
    run("INSERT INTO units (id, name, parent_id, created_at) "
        "SELECT g, 'Area ' || g, NULL, :start FROM generate_series(1, 6) g")
    run("INSERT INTO units (id, name, parent_id, created_at) "
        "SELECT g, 'Unit ' || g, 1 + g % 6, :start FROM generate_series(7, 66) g")
    run("SELECT setval('units_id_seq', 66)")
    run("INSERT INTO topics (id, name, description, archived, created_at) "
        "SELECT g, 'Topic ' || g, '', false, :start FROM generate_series(1, 10) g")
    # ambassadors join over the span (a third were there from the start), then 100 leaders
    run("INSERT INTO users (id, email, name, title, unit_id, password_hash, session_version, "
        "active, created_at, named_opt_in) "
        "SELECT g, 'a' || g || '@bench.example', 'Ambassador ' || g, '', 7 + g % 60, :pw, 1, "
        "true, CASE WHEN g % 3 = 0 THEN :start ELSE :start + random() * (:now - :start) END, "
        "g % 10 = 0 FROM generate_series(1, :n) g")
    run("INSERT INTO users (id, email, name, title, unit_id, password_hash, session_version, "
        "active, created_at, named_opt_in) "
        "SELECT :n + g, 'l' || g || '@bench.example', 'Leader ' || g, '', 1 + g % 66, :pw, 1, "
        "true, :start, false FROM generate_series(1, 100) g")
    run("INSERT INTO users (id, email, name, title, unit_id, password_hash, session_version, "
        "active, created_at, named_opt_in) VALUES (:n + 101, 'curator@bench.example', "
        "'Curator', '', NULL, :pw, 1, true, :start, false)")
    run("SELECT setval('users_id_seq', :n + 101)")
    run("INSERT INTO roles (user_id, name, unit_id, created_at) "
        "SELECT id, 'ambassador', NULL, created_at FROM users WHERE id <= :n + 100")
    run("INSERT INTO roles (user_id, name, unit_id, created_at) "
        "SELECT id, 'leader', unit_id, created_at FROM users WHERE id > :n AND id <= :n + 100")
    run("INSERT INTO roles (user_id, name, unit_id, created_at) VALUES (:n + 101, 'curator', "
        "NULL, :start)")
    run("INSERT INTO posts (id, title, link, kind, status, published_at, created_at, updated_at) "
        "SELECT g, 'Post ' || g, 'https://example.org/' || g, 'job', 'live', "
        ":start + (g / (:years * 360.0)) * (:now - :start), :start, :start "
        "FROM generate_series(1, :years * 360) g")
    run("INSERT INTO post_topics (post_id, topic_id) SELECT id, 1 + id % 10 FROM posts")
    run("INSERT INTO post_topics (post_id, topic_id) SELECT id, 1 + (id * 7) % 10 FROM posts "
        "WHERE id % 3 = 0 AND (id * 7) % 10 <> id % 10")
    # shares: ~25 per ambassador-year, after the person joined and after the post went live
    run("INSERT INTO shares (user_id, post_id, network, text, token, created_at) "
        "SELECT u.id, p.id, (ARRAY['linkedin','facebook','x','instagram'])[1 + (g % 4)], '', "
        "md5(u.id || '-' || g), p.published_at + (random() * 72) * interval '1 hour' "
        "FROM generate_series(1, :n * 25 * :years) g "
        "JOIN users u ON u.id = 1 + (g::bigint * 7919) % (:n + 100) "
        "JOIN posts p ON p.id = 1 + (g::bigint * 104729) % (:years * 360) "
        "WHERE p.published_at > u.created_at AND random() < 0.8")
    run("DELETE FROM shares WHERE created_at > :now")
    run("INSERT INTO activity_events (kind, occurred_at, user_id, unit_id, as_leader, post_id, "
        "ref_id, network, value) SELECT 'share', s.created_at, s.user_id, u.unit_id, "
        "s.user_id > :n, s.post_id, s.id, s.network, "
        "(extract(epoch FROM s.created_at - p.published_at) / 60)::int "
        "FROM shares s JOIN users u ON u.id = s.user_id JOIN posts p ON p.id = s.post_id "
        "ORDER BY s.created_at")
    run("INSERT INTO activity_events (kind, occurred_at, user_id, unit_id, as_leader, post_id) "
        "SELECT CASE WHEN random() < 0.6 THEN 'skip' ELSE 'snooze' END, occurred_at "
        "+ interval '1 day', user_id, unit_id, as_leader, post_id FROM activity_events "
        "WHERE random() < 0.3 AND occurred_at < :now - interval '1 day'")
    run("INSERT INTO activity_events (kind, occurred_at, user_id, unit_id, as_leader, ref_id) "
        "SELECT 'application', occurred_at + interval '2 days', NULL, unit_id, false, ref_id "
        "FROM activity_events WHERE kind = 'share' AND random() < 0.01 "
        "AND occurred_at < :now - interval '2 days'")
    run("INSERT INTO clicks (share_id, created_at, visitor_hash, referrer_host, is_bot) "
        "SELECT s.id, s.created_at + random() * interval '3 days', md5(s.id || '/' || k), "
        "NULL, random() < 0.1 FROM shares s CROSS JOIN generate_series(1, 4) k "
        "WHERE random() < 0.8 AND s.created_at < :now - interval '3 days'")
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    counts = {}
    for table in ("users", "shares", "clicks", "activity_events"):
        counts[table] = db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    db.session.commit()
    return counts


def one_new_day(db, ambassadors: int, now: datetime) -> None:
    """10,000 shares (with their events) and 50,000 clicks during the last day."""
    params = {"now": now, "n": ambassadors}
    db.session.execute(text(
        "INSERT INTO shares (user_id, post_id, network, text, token, created_at) "
        "SELECT 1 + (g * 31) % :n, (SELECT max(id) FROM posts) - g % 20, 'linkedin', '', "
        "md5('new-' || g), :now - random() * interval '20 hours' "
        "FROM generate_series(1, 10000) g"), params)
    db.session.execute(text(
        "INSERT INTO activity_events (kind, occurred_at, user_id, unit_id, as_leader, post_id, "
        "ref_id, network, value) SELECT 'share', s.created_at, s.user_id, u.unit_id, false, "
        "s.post_id, s.id, s.network, 600 FROM shares s JOIN users u ON u.id = s.user_id "
        "WHERE s.token LIKE 'new-%' OR s.created_at > :now - interval '20 hours' "
        "AND NOT EXISTS (SELECT 1 FROM activity_events e WHERE e.kind = 'share' "
        "AND e.ref_id = s.id)"), params)
    db.session.execute(text(
        "INSERT INTO clicks (share_id, created_at, visitor_hash, referrer_host, is_bot) "
        "SELECT s.id, :now - random() * interval '10 hours', md5(s.id || 'x' || k), NULL, false "
        "FROM (SELECT id FROM shares ORDER BY id DESC LIMIT 10000) s "
        "CROSS JOIN generate_series(1, 5) k"), params)
    db.session.commit()


RAW_SQL = {
    # shares, clicks, applications per quarter (the span plus the year before, for YoY)
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
                     WHERE kind = 'share' AND occurred_at >= :since GROUP BY 1, 2),
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
    "units_now": """
        SELECT u.unit_id, count(DISTINCT e.user_id) FILTER (WHERE e.occurred_at >= :now
               - interval '30 days'), count(DISTINCT e.user_id)
        FROM activity_events e JOIN users u ON u.id = e.user_id
        WHERE e.kind = 'share' AND e.occurred_at >= :now - interval '90 days' GROUP BY 1""",
    "retention_pairs": """
        SELECT DISTINCT user_id, date_trunc('month', occurred_at AT TIME ZONE :tz)
        FROM activity_events WHERE kind = 'share' AND occurred_at >= :since""",
    "warnings_and_stopped": """
        SELECT user_id, unit_id, count(DISTINCT date_trunc('month', occurred_at)),
               max(occurred_at) FROM activity_events
        WHERE kind = 'share' AND occurred_at >= :now - interval '15 months' GROUP BY 1, 2""",
}


def raw_figures(db, since: datetime, now: datetime) -> None:
    params = {"tz": TZ_NAME, "since": since, "now": now}
    for sql in RAW_SQL.values():
        db.session.execute(text(sql), params).all()
    db.session.rollback()


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
                         "postgresql+psycopg://postgres@127.0.0.1:5432/issue5_bench")
    from advocacy import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "ORG_TIMEZONE": TZ_NAME})
    from advocacy.activity import service as activity
    from advocacy.extensions import db
    from advocacy.forms import org_tz

    now = datetime.now(UTC)
    with app.app_context():
        if not args.keep:
            reset(url)
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            counts = generate(db, args.ambassadors, args.years, now)
            print(f"generated in {time.perf_counter() - started:.1f}s: "
                  + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
        tz = org_tz()
        started = time.perf_counter()
        months = activity.rebuild(tz)
        db.session.commit()
        rebuild_s = time.perf_counter() - started
        print(f"full rebuild: {len(months)} months in {rebuild_s:.1f}s")
        rollup_rows = db.session.execute(text(
            "SELECT (SELECT count(*) FROM activity_person_months), "
            "(SELECT count(*) FROM activity_unit_months), "
            "(SELECT count(*) FROM activity_unit_dim_months)")).one()
        print(f"rollup rows: person-months={rollup_rows[0]:,} unit-months={rollup_rows[1]:,} "
              f"dimension-months={rollup_rows[2]:,}")
        db.session.execute(text("ANALYZE"))
        db.session.commit()

    client = app.test_client()
    response = client.post("/login", data={"email": "curator@bench.example",
                                           "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    page = "/insights/health?years=5&resolution=quarter"

    def render():
        got = client.get(page)
        assert got.status_code == 200 and b"chart-activity" in got.data, got.status_code

    render()  # warm-up: templates compiled, connections open
    page_times = timed(render, args.runs)
    with app.app_context():
        since = activity.month_start(activity.month_of(now, org_tz()) - 59, org_tz())
        raw_figures(db, since, now)  # warm-up
        raw_times = timed(lambda: raw_figures(db, since, now), args.runs)
        page_ms = statistics.median(page_times) * 1000
        raw_ms = statistics.median(raw_times) * 1000
        print(f"corps-health page, organisation, 5 years by quarter: median {page_ms:.0f} ms "
              f"(min {min(page_times) * 1000:.0f}, max {max(page_times) * 1000:.0f})")
        print(f"same figures from raw events: median {raw_ms:.0f} ms "
              f"(min {min(raw_times) * 1000:.0f}, max {max(raw_times) * 1000:.0f})")
        print(f"ratio raw / rollups: {raw_ms / page_ms:.1f}x")

        activity.rollup_recent(datetime.now(UTC), org_tz())  # bring the marks up to date
        db.session.commit()
        one_new_day(db, args.ambassadors, datetime.now(UTC))
        started = time.perf_counter()
        months = activity.rollup_recent(datetime.now(UTC), org_tz())
        db.session.commit()
        print(f"incremental rollup after one day (10,000 shares, 50,000 clicks): "
              f"{time.perf_counter() - started:.2f}s ({len(months)} month(s) recomputed)")
        started = time.perf_counter()
        months = activity.rebuild(org_tz())
        db.session.commit()
        print(f"full rebuild ({len(months)} months): {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
