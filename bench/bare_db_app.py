"""Baseline `bare_db`: a Flask view doing one indexed SELECT plus one INSERT (and its
COMMIT) on the benchmark's own PostgreSQL database, then a 302. BENCH_BARE_DB_URL names it;
the tables are made by `bench/run.py` (BARE_SETUP)."""

import os

from flask import Flask, abort, redirect
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["BENCH_BARE_DB_URL"], pool_size=5, max_overflow=10)



@app.get("/r/<token>")
def bare_db(token: str):
    with engine.begin() as conn:
        row = conn.execute(text("SELECT id, link FROM bench_bare_links WHERE token = :t"),
                           {"t": token}).first()
        if row is None:
            abort(404)
        conn.execute(text("INSERT INTO bench_bare_hits (link_id) VALUES (:i)"), {"i": row.id})
    return redirect(row.link, code=302)


@app.get("/healthz")
def healthz():
    return "ok"
