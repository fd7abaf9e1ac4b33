"""Load the demo municipality (if the database is empty) and time a few hot paths on it.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench \\
        .venv/bin/python bench/demo_data.py --ambassadors 10000 --years 5

The timed writes (clicks) are rolled back, so the script can be run again on the same data.
"""

from __future__ import annotations

import argparse
import statistics
import time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from advocacy import create_app
from advocacy.accounts.service import find_user_by_email, hash_password
from advocacy.activity.personal import personal_activity
from advocacy.db import utcnow
from advocacy.demo import generate
from advocacy.demo.catalogue import DEMO_PASSWORD, DOMAIN
from advocacy.extensions import db
from advocacy.queue.service import rank
from advocacy.sharing.models import Share
from advocacy.tracking.service import find_target


def timed(label: str, repeat: int, fn) -> None:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    print(f"{label:<44} median {statistics.median(runs):8.1f} ms  max {max(runs):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ambassadors", type=int, default=10000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        conn = db.session.connection()
        if generate.existing_data(conn):
            print("database not empty: timing the data already there")
            db.session.rollback()
        else:
            started = time.monotonic()
            summary = generate.fill(
                conn, ambassadors=args.ambassadors, years=args.years, seed=args.seed,
                now=utcnow(), password_hash=hash_password(DEMO_PASSWORD),
                progress=lambda stage, s: print(f"  {stage}: {s:.1f} s", flush=True),
            )
            db.session.commit()
            print(f"loaded in {time.monotonic() - started:.1f} s: {summary.counts}")

        ambassador = find_user_by_email(f"ambassador@{DOMAIN}")
        busiest_id = db.session.scalar(
            select(Share.user_id).group_by(Share.user_id)
            .order_by(func.count().desc(), Share.user_id).limit(1)
        )
        busiest = db.session.get(type(ambassador), busiest_id)
        tz = ZoneInfo(app.config["ORG_TIMEZONE"])
        tokens = list(db.session.scalars(select(Share.token).order_by(Share.id.desc()).limit(200)))

        timed("rank(ambassador@)", 20, lambda: rank(ambassador, utcnow()))
        timed("personal_activity(ambassador@)", 10, lambda: personal_activity(ambassador, tz))
        timed(f"personal_activity(busiest, user {busiest_id})", 5,
              lambda: personal_activity(busiest, tz))
        clicks = iter(tokens * 2)
        timed("find_target (the redirect's database look-up on a cache miss)", 200,
              lambda: find_target(next(clicks)))
        db.session.rollback()


if __name__ == "__main__":
    main()
