"""People import: the bulk path against a per-row baseline, measured in the same run.

    PYTHONPATH=. python bench/import_csv.py            # temporary SQLite files
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/issue3_bench \
        PYTHONPATH=. python bench/import_csv.py        # an existing, empty PostgreSQL db

Prints the time of each and the ratio. The baseline is what a straightforward
implementation does: for every row look the person and the unit up, then create the person
with the accounts service (a query or two and a flush per row).

Issue 10 adds, on SQLite: the check (preview) and the write (confirm) of a file of the
stated maximum (`people.service.MAX_ROWS`), the check of a 50,000-row file for comparison,
and how long another writer waits for the write lock while an import of that size is
written in batches, against the same import written in one transaction (the baseline).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
TMP = Path(tempfile.mkdtemp(prefix="bench-import-"))
os.environ.setdefault("ADVOCACY_INSTANCE", str(TMP / "instance"))
os.environ.setdefault("SECRET_KEY", "bench")

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from advocacy import create_app  # noqa: E402
from advocacy.extensions import db  # noqa: E402

UNITS = [f"Enhet {i}" for i in range(40)]


def make_csv(rows: int, domain: str) -> bytes:
    lines = ["email;name;unit;title;language;roles"]
    for i in range(rows):
        lines.append(f"person{i}@{domain};Person Nummer {i};{UNITS[i % len(UNITS)]};"
                     f"{'sykepleier' if i % 3 else 'lege'};{'nb' if i % 2 else 'da'};"
                     f"{'ambassador' if i % 10 else 'ambassador|curator'}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def fresh_app(url: str):
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        from advocacy.accounts.service import create_unit

        for name in UNITS:
            create_unit(name)
        db.session.commit()
    return app


def bulk(app, data: bytes) -> float:
    from advocacy.db import utcnow
    from advocacy.people import service

    with app.app_context():
        start = time.perf_counter()
        plan = service.parse(data, by=importer())
        result = service.apply(plan, now=utcnow())
        db.session.commit()
        elapsed = time.perf_counter() - start
        assert result.created == ROWS and not plan.errors, (result, plan.errors[:3])
        again = time.perf_counter()
        second = service.apply(service.parse(data, by=importer()), now=utcnow())
        db.session.commit()
        print(f"  re-import of the same file: {time.perf_counter() - again:.2f} s, "
              f"{second.created} created, {second.updated} updated")
    return elapsed


def per_row(app, data: bytes) -> float:
    import csv
    import io

    from advocacy.accounts.models import Unit
    from advocacy.accounts.service import create_user, find_user_by_email

    with app.app_context():
        start = time.perf_counter()
        reader = csv.DictReader(io.StringIO(data.decode()), delimiter=";")
        for row in reader:
            if find_user_by_email(row["email"]):
                continue
            unit = db.session.scalar(select(Unit).where(Unit.name == row["unit"]))
            create_user(email=row["email"], name=row["name"], title=row["title"], unit=unit,
                        locale=row["language"], roles=row["roles"].split("|"))
        db.session.commit()
        elapsed = time.perf_counter() - start
        from advocacy.accounts.models import User

        assert db.session.scalar(select(func.count()).select_from(User)) == ROWS
    return elapsed


def importer():
    from advocacy.people.service import Importer

    return Importer(id=0, roles=frozenset({"admin"}))


def lock_waits(app, url: str, data: bytes, batched: bool) -> tuple[float, float, float, int]:
    """Write `data` while another connection commits a one-row write in a loop; returns
    (import seconds, the other writer's longest and median wait, its number of writes)."""
    import sqlite3
    import threading

    from advocacy.db import utcnow
    from advocacy.people import service

    path = url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA busy_timeout=60000")
    other.execute("CREATE TABLE IF NOT EXISTS bench_pings (at REAL)")
    stop = threading.Event()
    waits: list[float] = []

    def ping() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO bench_pings VALUES (?)", (start,))
            other.execute("COMMIT")
            waits.append(time.perf_counter() - start)
            time.sleep(0.005)

    with app.app_context():
        plan = service.parse(data, by=importer())
        db.session.rollback()
        thread = threading.Thread(target=ping)
        thread.start()
        time.sleep(0.05)
        start = time.perf_counter()
        if batched:
            service.apply(plan, now=utcnow(), commit=db.session.commit)
        else:
            service.apply(plan, now=utcnow())
            db.session.commit()
        elapsed = time.perf_counter() - start
        time.sleep(0.05)
        stop.set()
        thread.join()
    other.close()
    waits.sort()
    return elapsed, max(waits), waits[len(waits) // 2], len(waits)


def issue10() -> None:
    from advocacy.people import service

    rows = service.MAX_ROWS
    print(f"\nissue 10 (SQLite): a file of the stated maximum, {rows} rows")
    data = make_csv(rows, "max.example.org")
    app = fresh_app(f"sqlite:///{TMP / 'max.db'}")
    with app.app_context():
        start = time.perf_counter()
        plan = service.parse(data, by=importer())
        check = time.perf_counter() - start
        db.session.rollback()
        assert len(plan.new) == rows and not plan.errors
    print(f"  check (preview) of {rows} rows: {check:.2f} s")
    big = make_csv(50_000, "big.example.org")
    saved = service.MAX_ROWS
    service.MAX_ROWS = 50_000  # only to time the check of the old stated maximum
    try:
        with app.app_context():
            start = time.perf_counter()
            service.parse(big, by=importer())
            print(f"  check of 50,000 rows (the old maximum): {time.perf_counter() - start:.2f} s")
            db.session.rollback()
    finally:
        service.MAX_ROWS = saved
    one_url = f"sqlite:///{TMP / 'one.db'}"
    one, one_wait, one_mid, one_n = lock_waits(fresh_app(one_url), one_url, data, False)
    url = f"sqlite:///{TMP / 'batched.db'}"
    batched, wait, mid, n = lock_waits(fresh_app(url), url, data, True)
    print(f"  write in one transaction (baseline): {one:.2f} s, other writer waited at most "
          f"{one_wait * 1000:.0f} ms, median {one_mid * 1000:.0f} ms ({one_n} writes)")
    print(f"  write in batches of {service.WRITE_BATCH}: {batched:.2f} s, other writer waited "
          f"at most {wait * 1000:.0f} ms, median {mid * 1000:.0f} ms ({n} writes)")
    print(f"  longest wait, one transaction / batches: {one_wait / wait:.1f}x")


def main() -> int:
    pg = os.environ.get("BENCH_DATABASE_URL")
    if os.environ.get("BENCH_PART") == "issue10":  # only the issue 10 measurements
        issue10()
        return 0
    url_a = pg or f"sqlite:///{TMP / 'bulk.db'}"
    url_b = pg or f"sqlite:///{TMP / 'baseline.db'}"
    data = make_csv(ROWS, "example.org")
    print(f"{ROWS} rows, {len(data) / 1024:.0f} KiB, database: {url_a.split(':')[0]}")
    baseline = per_row(fresh_app(url_b), data)
    print(f"  baseline, per row:  {baseline:.2f} s")
    fast = bulk(fresh_app(url_a), data)
    print(f"  bulk import:        {fast:.2f} s")
    print(f"  ratio baseline/bulk: {baseline / fast:.1f}x")
    if not pg:
        issue10()
    return 0


if __name__ == "__main__":
    sys.exit(main())
