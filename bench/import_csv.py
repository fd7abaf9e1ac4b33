"""People import: the bulk path against a per-row baseline, measured in the same run.

    PYTHONPATH=. python bench/import_csv.py            # temporary SQLite files
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/issue3_bench \
        PYTHONPATH=. python bench/import_csv.py        # an existing, empty PostgreSQL db

Prints the time of each and the ratio. The baseline is what a straightforward
implementation does: for every row look the person and the unit up, then create the person
with the accounts service (a query or two and a flush per row).
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
        plan = service.parse(data)
        result = service.apply(plan, now=utcnow())
        db.session.commit()
        elapsed = time.perf_counter() - start
        assert result.created == ROWS and not plan.errors, (result, plan.errors[:3])
        again = time.perf_counter()
        second = service.apply(service.parse(data), now=utcnow())
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


def main() -> int:
    pg = os.environ.get("BENCH_DATABASE_URL")
    url_a = pg or f"sqlite:///{TMP / 'bulk.db'}"
    url_b = pg or f"sqlite:///{TMP / 'baseline.db'}"
    data = make_csv(ROWS, "example.org")
    print(f"{ROWS} rows, {len(data) / 1024:.0f} KiB, database: {url_a.split(':')[0]}")
    baseline = per_row(fresh_app(url_b), data)
    print(f"  baseline, per row:  {baseline:.2f} s")
    fast = bulk(fresh_app(url_a), data)
    print(f"  bulk import:        {fast:.2f} s")
    print(f"  ratio baseline/bulk: {baseline / fast:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
