"""gunicorn settings for the Procfile's web process (`gunicorn -c gunicorn.conf.py ...`).

Workers: WEB_CONCURRENCY (gunicorn's own variable) or, by default, 2 × CPU cores + 1, the
number gunicorn's documentation recommends; 5 on a 2-core machine. The default single
worker of plain gunicorn could not hold 100 requests/s for a minute (issue 11).

Worker class: `gthread` with WEB_THREADS threads per process (default 4). A request
spends most of its time waiting on PostgreSQL or Redis; with sync workers one slow or
hanging dependency (a Redis that accepts connections but never answers) blocks the whole
process, while a threaded worker keeps serving on its other threads. gevent/eventlet would
need monkey-patching of psycopg and redis-py and an extra dependency; the measured gain
over gthread on this workload did not justify it (bench/README.md). Each process has its
own SQLAlchemy pool (5 + 10 overflow), so PostgreSQL sees at most
workers × threads connections from the web tier.

Other variables: WEB_HOST (default 127.0.0.1), PORT (default 5000), WEB_THREADS,
WEB_TIMEOUT (seconds, default 30), WEB_ACCESS_LOG=0 turns the access log off (benchmarks).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers(cpus: int | None = None) -> int:
    return 2 * (cpus or multiprocessing.cpu_count()) + 1


bind = f"{os.environ.get('WEB_HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = _int("WEB_CONCURRENCY", default_workers())
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = _int("WEB_THREADS", 4)
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
accesslog = None if os.environ.get("WEB_ACCESS_LOG", "1") == "0" else "-"
# Each worker builds the app itself after the fork: no database connection or Redis pool
# is shared between processes.
preload_app = False
