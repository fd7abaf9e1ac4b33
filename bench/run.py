"""`make bench` / `make bench-smoke`: the product's speed at scale, against baselines
measured in the same run on the same server settings (issue 11).

1. A PostgreSQL database with `flask demo-data --ambassadors N --years Y` is built once
   and kept as a template database `bench_tpl_<key>`, the key being a hash of the
   migration files, the demo-data generator's source and the size; every run copies it to
   `bench_run` (or `bench_smoke_run`), so the measured data is always the same.
2. A Redis of the run's own, one Celery worker (no beat: the bench sends the scheduled
   tasks it needs itself, when it needs them), and gunicorn with
   gunicorn.conf.py's settings (WEB_CONCURRENCY, WEB_THREADS) on 127.0.0.1 for the
   product and for the two baselines: `bare` (bench/bare_app.py, a fixed 302) and
   `bare_db` (bench/bare_db_app.py, one indexed SELECT plus one INSERT on the same database).
3. Each HTTP scenario runs wrk (Debian's; bench/wrk/common.lua picks random paths, user
   agents and logged-in cookies) for --duration seconds with --connections connections.
4. The reminder fan-out (bench/reminders.py) and the rollup timings run as well.
5. The table goes to stdout, bench/results/latest.md and bench/results/latest.json
   (smoke: bench/results/smoke.md/json). Every process started is stopped by its PID.

Add a scenario: append a `Scenario` to `scenarios()`; `available` returns a reason string
when the product lacks what it needs (the row then says "not available", no number).
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    OwnRedis,
    free_port,
    product_env,
    start_gunicorn,
    start_worker,
    stop_process,
    wait_until,
)

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "common.lua"
DEMO_PASSWORD = "demo-passord-123"  # nosec B105 - the demo data's published password


@dataclass
class Result:
    name: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    ratio_vs_bare: float | None = None
    note: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "rps": self.rps, "p50_ms": self.p50_ms,
                "p99_ms": self.p99_ms, "errors": self.errors,
                "ratio_vs_bare": self.ratio_vs_bare}


@dataclass
class Scenario:
    name: str
    server: str  # "product", "bare", "bare_db", or "" for a non-HTTP scenario
    paths: Callable[[Run], list[str]] | None = None
    cookies: Callable[[Run], list[str]] | None = None
    run: Callable[[Run], Result] | None = None
    available: Callable[[Run], str | None] = lambda _run: None
    connections: int | None = None


@dataclass
class Run:
    args: argparse.Namespace
    workdir: str
    database_url: str = ""
    redis: OwnRedis | None = None
    ports: dict[str, int] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    app: Any = None  # the product's app on the run's database and Redis (for its jobs)
    clicks_sent: int = 0
    redirect_paths: list[str] = field(default_factory=list)  # the redirect's tokens
    _cookie_cache: dict[str, list[str]] = field(default_factory=dict)

    def sql(self, statement: str, params: dict | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(_libpq(self.database_url), autocommit=True) as conn:
            cur = conn.execute(statement, params or {})
            return cur.fetchall() if cur.description else []


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


# ---------------------------------------------------------------- the cached database

def data_key(args: argparse.Namespace) -> str:
    digest = hashlib.sha256()
    for folder in ("migrations/versions", "advocacy/demo"):
        for path in sorted((ROOT / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(f"{args.ambassadors}:{args.years}:seed1".encode())
    return digest.hexdigest()[:12]


def admin_sql(base: str, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(_libpq(f"{base}/postgres"), autocommit=True) as conn:
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


def prepare_database(args: argparse.Namespace, workdir: str) -> str:
    prefix = "bench_smoke" if args.smoke else "bench"
    template = f"{prefix}_tpl_{data_key(args)}"
    run_db = f"{prefix}_run"
    exists = admin_sql(args.postgres, f"SELECT 1 FROM pg_database WHERE datname = '{template}'")
    if not exists:
        say(f"building {template}: demo-data --ambassadors {args.ambassadors} "
            f"--years {args.years} (cached for later runs)")
        for (name,) in admin_sql(args.postgres, "SELECT datname FROM pg_database WHERE "
                                 f"datname LIKE '{prefix}_tpl_%'"):
            admin_sql(args.postgres, f'DROP DATABASE IF EXISTS "{name}"')
        building = f"{template}_building"
        admin_sql(args.postgres, f'DROP DATABASE IF EXISTS "{building}"')
        admin_sql(args.postgres, f'CREATE DATABASE "{building}"')
        env = product_env(f"{args.postgres}/{building}", "redis://127.0.0.1:1/0", workdir)
        flask = [sys.executable, "-m", "flask", "--app", "advocacy"]
        started = time.monotonic()
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True,  # nosec B603
                       capture_output=True)
        subprocess.run([*flask, "demo-data", "--ambassadors", str(args.ambassadors),  # nosec B603
                        "--years", str(args.years), "--seed", "1"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        admin_sql(args.postgres, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        say(f"built in {time.monotonic() - started:.0f} s")
    admin_sql(args.postgres, f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
    admin_sql(args.postgres, f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"')
    return f"{args.postgres}/{run_db}"


# ---------------------------------------------------------------- servers

def start_servers(run: Run) -> None:
    args = run.args
    run.redis = OwnRedis().start()
    run.env = product_env(run.database_url, run.redis.url, run.workdir,
                          MAIL_SERVER="127.0.0.1", MAIL_PORT=str(free_port()),
                          BENCH_BARE_DB_URL=run.database_url, SECRET_KEY="bench-" + "x" * 40)
    for statement in BARE_SETUP:
        run.sql(statement)
    for name, app in (("product", "advocacy:create_app()"), ("bare", "bench.bare_app:app"),
                      ("bare_db", "bench.bare_db_app:app")):
        port = free_port()
        process = start_gunicorn(app, run.env, port, f"{run.workdir}/{name}.log",
                                 workers=args.workers, threads=args.threads)
        run.processes.append(process)
        run.ports[name] = port
    if not wait_until(lambda: _get(run, "product", "/healthz")[0] == 200, 60):
        raise RuntimeError("the product did not answer /healthz")
    worker_env = dict(run.env)
    run.processes.append(start_worker(worker_env, f"{run.workdir}/worker.log", concurrency=1,
                                      name="bench"))
    from tests.conftest import make_app  # the app's route list, to see what exists

    run.app = make_app(run.database_url, REDIS_URL=run.redis.url,
                       REDIS_KEY_PREFIX=run.env.get("REDIS_KEY_PREFIX", "advocacy:"))
    run.routes = {rule.rule for rule in run.app.url_map.iter_rules()}


BARE_SETUP = (
    "CREATE TABLE IF NOT EXISTS bench_bare_links (id serial PRIMARY KEY, token text UNIQUE, "
    "link text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_bare_hits (id bigserial PRIMARY KEY, link_id int, "
    "at timestamptz NOT NULL DEFAULT now())",
)


def stop_servers(run: Run) -> None:
    for process in reversed(run.processes):
        stop_process(process)
    run.processes.clear()
    if run.redis:
        run.redis.cleanup()


def _get(run: Run, server: str, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{run.ports[server]}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:  # nosec B310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_cookie(run: Run, email: str) -> str:
    """Log in through the real form (CSRF token included); the session's Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    base = f"http://127.0.0.1:{run.ports['product']}"
    with opener.open(f"{base}/login", timeout=30) as response:  # nosec B310
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": DEMO_PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    data = urllib.parse.urlencode(form).encode()
    try:
        opener.open(f"{base}/login", data=data, timeout=30)  # nosec B310
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', exc.read().decode())
            raise RuntimeError(f"login of {email} failed: {exc.code} {errors}") from exc
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    status, _ = _get(run, "product", "/settings", cookie)
    if status != 200:
        raise RuntimeError(f"login of {email} did not hold (GET /settings: {status})")
    return cookie


def people_with_role(run: Run, role: str, limit: int) -> list[str]:
    rows = run.sql(
        "SELECT DISTINCT u.email, random() FROM users u JOIN roles r ON r.user_id = u.id "
        "WHERE r.name = %(role)s AND u.active AND u.joined_at IS NOT NULL "
        "AND u.left_at IS NULL ORDER BY 2 LIMIT %(limit)s", {"role": role, "limit": limit})
    emails = [email for email, _ in rows]
    # Only the few demo logins have a password; the run's own copy gives it to these too.
    run.sql("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE "
            "password_hash IS NOT NULL LIMIT 1) WHERE email = ANY(%(emails)s)",
            {"emails": emails})
    return emails


def cookies_for(role: str, count: int) -> Callable[[Run], list[str]]:
    def make(run: Run) -> list[str]:
        if role not in run._cookie_cache:
            emails = people_with_role(run, role, count)
            if not emails:
                raise RuntimeError(f"the demo data has nobody with the role {role}")
            run._cookie_cache[role] = [login_cookie(run, e) for e in emails]
        return run._cookie_cache[role]
    return make


# ---------------------------------------------------------------- wrk

def wrk(run: Run, server: str, paths: list[str], cookies: list[str],
        connections: int, expect: int = 200, seconds: int | None = None) -> dict:
    paths_file = Path(run.workdir) / "paths.txt"
    cookies_file = Path(run.workdir) / "cookies.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    cookies_file.write_text("\n".join(cookies) + ("\n" if cookies else ""))
    env = dict(os.environ, BENCH_PATHS=str(paths_file), BENCH_EXPECT=str(expect),
               BENCH_COOKIES=str(cookies_file) if cookies else "")
    seconds = seconds or run.args.duration
    threads = max(1, min(2, connections))
    command = [shutil.which("wrk") or "wrk", f"-t{threads}", f"-c{connections}",
               f"-d{seconds}s", "--timeout", "20s", "--latency", "-s", str(LUA),
               f"http://127.0.0.1:{run.ports[server]}"]
    out = subprocess.run(command, env=env, capture_output=True, text=True,  # nosec B603
                         timeout=seconds + 60, check=True).stdout
    line = [raw for raw in out.splitlines() if raw.startswith('{"requests"')]
    if not line:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    return json.loads(line[-1])


def http_result(name: str, figures: dict) -> Result:
    seconds = figures["duration_us"] / 1e6
    # "status" (non-2xx/3xx) answers are a subset of "unexpected" (not the expected status)
    errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    errors += max(figures["status"], figures["unexpected"])
    return Result(name=name, rps=round(figures["requests"] / seconds, 1),
                  p50_ms=round(figures["p50_us"] / 1000, 1),
                  p99_ms=round(figures["p99_us"] / 1000, 1), errors=errors)


# ---------------------------------------------------------------- scenarios

PACED_RATE = 400  # req/s: L2's burst, several times a viral post's peak


def tokens(run: Run) -> list[str]:
    rows = run.sql("SELECT token FROM shares ORDER BY random() LIMIT 5000")
    return [f"/r/{token}" for (token,) in rows]


def bare_tokens(run: Run) -> list[str]:
    run.sql("INSERT INTO bench_bare_links (token, link) SELECT md5(g::text), "
            "'https://example.org/jobs/' || g FROM generate_series(1, 5000) g "
            "ON CONFLICT DO NOTHING")
    return [f"/r/{token}" for (token,) in run.sql("SELECT token FROM bench_bare_links")]


def count_clicks(run: Run) -> int:
    return run.sql("SELECT count(*) FROM clicks")[0][0]


def drain(run: Run, before: int, timeout: float = 120) -> int:
    """Ask every drain task the worker knows to run until the click count stops moving."""
    from celery import Celery

    sender = Celery(broker=run.redis.url)
    names = [n for n in _registered_tasks(run) if "drain" in n]
    last, stable_since = -1, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in names:
            sender.send_task(name)
        time.sleep(1.0)  # poll interval while the worker drains
        now_count = count_clicks(run)
        if now_count != last:
            last, stable_since = now_count, time.monotonic()
        elif time.monotonic() - stable_since > 3 and now_count - before >= run.clicks_sent:
            break
        elif time.monotonic() - stable_since > 10:
            break
    sender.close()
    return last - before


def _registered_tasks(run: Run) -> list[str]:
    from advocacy.tasknames import all_names
    from worker import celery

    celery.loader.import_default_modules()  # the task modules, as a starting worker does
    return sorted(name for name in celery.tasks if name in all_names())


REDIRECT_WARMUP = 15  # s of unmeasured redirects first: see redirect_scenario


def warm_targets(run: Run) -> int:
    """What beat does on a running site (every 15 s, a full warm at most every
    TRACKING_WARM_INTERVAL): the newest shares' targets written to the cache the web
    processes share in Redis. The second redirect scenario finds it warm and writes nothing."""
    from advocacy.tracking import shared_cache

    with run.app.app_context():
        return shared_cache.warm(run.app) or 0


class Nudger:
    """Sends the click drain every `every` seconds while the load runs, as beat does."""

    def __init__(self, run: Run, every: float) -> None:
        import threading

        self.run, self.every = run, every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from celery import Celery

        from advocacy import tasknames

        sender = Celery(broker=self.run.redis.url)
        try:
            while not self.stopped.wait(self.every):
                sender.send_task(tasknames.DRAIN_CLICKS)
        finally:
            sender.close()

    def __enter__(self) -> Nudger:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)


def redirect_scenario(run: Run, draining: bool = False) -> Result:
    """The redirect at saturation, in the state of a running site: the shared target cache
    warmed (as beat keeps it), then REDIRECT_WARMUP seconds of load so that every web process
    has looked up most of the 5,000 random tokens (after 3 s each had seen about a third, and
    the measured p99 was the cold caches': bench/README.md). `draining`: the click drain runs
    every 5 s during the measured load, as beat schedules it, on the same cores; otherwise
    the clicks wait in the stream (a burst) and are drained after."""
    name = "redirect_draining" if draining else "redirect"
    paths = run.redirect_paths = run.redirect_paths or tokens(run)
    warm_targets(run)
    warmup = run.args.warmup if run.args.smoke else max(run.args.warmup, REDIRECT_WARMUP)
    wrk(run, "product", paths, [], run.args.connections, expect=302, seconds=warmup)
    drain(run, count_clicks(run), timeout=30)
    before = count_clicks(run)
    if draining:
        from worker.schedule import SCHEDULE

        with Nudger(run, float(SCHEDULE["tracking-drain-clicks"]["schedule"])):
            figures = wrk(run, "product", paths, [], run.args.connections, expect=302)
    else:
        figures = wrk(run, "product", paths, [], run.args.connections, expect=302)
    result = http_result(name, figures)
    run.clicks_sent += figures["requests"]  # every agent in the Lua list is a person
    recorded = drain(run, before)
    run.clicks_recorded += recorded
    if recorded < figures["requests"]:
        result.note = f"{figures['requests'] - recorded} clicks lost"
    else:
        result.note = ("0 lost (recorded may exceed sent by the requests in flight when wrk "
                       "stopped)")
    if draining:
        result.note = "click drain every 5 s during the load; " + result.note
    return result


def paced_redirect_scenario(run: Run) -> Result:
    """The redirect at a fixed rate well below saturation (a viral post, not a load test):
    the latency a visitor sees. wrk's closed loop of 50 connections keeps every server at
    saturation, where p99 is the queue's length (Little's law: even `bare` passes 50 ms
    there); a fixed rate measures the redirect itself. Requests leave on schedule whatever
    the answers take (bench/faults.py's FixedRate), so a slow answer cannot hide others."""
    from bench.faults import FixedRate

    rate, seconds = (100, 3) if run.args.smoke else (PACED_RATE, 30)
    # the redirect scenario's tokens (known to the caches by then, as a shared post's are)
    paths = run.redirect_paths or tokens(run)
    before = count_clicks(run)
    load = FixedRate(run.ports["product"], paths, rate, seconds).start().wait()
    run.clicks_sent += load.redirected
    recorded = drain(run, before)
    run.clicks_recorded += recorded
    ordered = sorted(load.latencies)
    lost = load.redirected - recorded
    return Result(name="redirect_paced", rps=round(load.sent / seconds, 1),
                  p50_ms=round(ordered[len(ordered) // 2] * 1000, 1) if ordered else None,
                  p99_ms=load.p99_ms(), errors=load.non_302,
                  note=f"fixed rate {rate} req/s for {seconds} s; "
                  + (f"{lost} clicks lost" if lost > 0 else "0 lost"))


def reminders_scenario(run: Run) -> Result:
    people = run.args.reminder_people or (200 if run.args.smoke else 10_000)
    redis_db = run.redis.url.rsplit("/", 1)[0] + "/3"
    database = run.args.postgres + ("/bench_smoke_reminders" if run.args.smoke
                                    else "/bench_reminders")
    name = database.rsplit("/", 1)[1]
    admin_sql(run.args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(run.args.postgres, f'CREATE DATABASE "{name}"')
    try:
        out = subprocess.run(  # nosec B603
            [sys.executable, str(ROOT / "bench" / "reminders.py"), "--people", str(people),
             "--noop", str(max(200, people // 5)), "--database-url", database,
             "--redis-url", redis_db, "--concurrency", "2"],
            cwd=ROOT, env=dict(run.env, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
            timeout=1800, check=True).stdout
    finally:
        admin_sql(run.args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    found = re.search(r"reminders:\s+(\d+) e-mails .*?= ([\d,.]+) (?:e-mails|reminders)/s", out)
    rate = float(found.group(2).replace(",", "")) if found else None
    sent = int(found.group(1)) if found else 0
    return Result(name="reminders", rps=rate, p50_ms=round(1000 / rate, 2) if rate else None,
                  errors=people - sent,
                  note=f"{sent} of {people} e-mails; rps = e-mails/s, p50 = ms per e-mail")


def rollup_scenario(run: Run) -> Result:
    code = (
        "import time, statistics\n"
        "from advocacy import create_app\n"
        "from advocacy.activity import rollup as a\n"
        "from advocacy.db import utcnow\n"
        "from advocacy.orgtime import org_tz\n"
        "from advocacy.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    tz = a.ZoneInfo('Europe/Oslo')\n"
        "    s = time.perf_counter(); months = a.rebuild(tz); db.session.commit()\n"
        "    full = time.perf_counter() - s\n"
        "    inc = []\n"
        "    for _ in range(3):\n"
        "        s = time.perf_counter(); a.rollup_recent(utcnow(), org_tz()); "
        "db.session.commit()\n"
        "        inc.append(time.perf_counter() - s)\n"
        "    n = len(months) if hasattr(months, '__len__') else int(months or 0)\n"
        "    print('ROLLUP', full, n, statistics.median(inc), max(inc))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=run.env,  # nosec B603
                         capture_output=True, text=True, timeout=900, check=True).stdout
    _tag, full, months, median, worst = next(
        line for line in out.splitlines() if line.startswith("ROLLUP")).split()
    full, months = float(full), int(months)
    return Result(name="rollups", rps=round(months / full, 2) if full else None,
                  p50_ms=round(float(median) * 1000, 1), p99_ms=round(float(worst) * 1000, 1),
                  errors=0, note=f"full rebuild {full:.1f} s for {months} months (rps = "
                  "months/s); p50/p99 = incremental rollup of recent months")


def not_without(prefix: str, what: str) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        if any(rule.startswith(prefix) for rule in run.routes):
            return None
        return f"not available: {what} ({prefix} routes do not exist on this branch)"
    return check


def first_route(prefix: str) -> Callable[[Run], list[str]]:
    def paths(run: Run) -> list[str]:
        found = sorted(r for r in run.routes if r.startswith(prefix) and "<" not in r)
        return found[:1] or [prefix]
    return paths


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    n = 5 if args.smoke else 50
    return [
        Scenario("bare", "bare", paths=bare_tokens),
        Scenario("bare_db", "bare_db", paths=bare_tokens),
        Scenario("redirect", "product", run=redirect_scenario),
        Scenario("redirect_draining", "product",
                 run=lambda run: redirect_scenario(run, draining=True)),
        Scenario("redirect_paced", "product", run=paced_redirect_scenario),
        Scenario("queue", "product", paths=lambda r: ["/queue"],
                 cookies=cookies_for("ambassador", n)),
        Scenario("corps_health", "product", paths=lambda r: ["/insights/health?years=5"],
                 cookies=cookies_for("curator", 2)),
        Scenario("leader", "product", paths=lambda r: ["/insights/health"],
                 cookies=cookies_for("leader", min(n, 10))),
        Scenario("activity", "product", paths=lambda r: ["/activity"],
                 cookies=cookies_for("ambassador", n)),
        Scenario("reminders", "", run=reminders_scenario),
        Scenario("rollups", "", run=rollup_scenario),
        Scenario("career_pages", "product", paths=first_route("/careers"),
                 available=not_without("/careers", "public career pages")),
        Scenario("channel_report", "product", paths=first_route("/recruitment"),
                 cookies=cookies_for("curator", 2),
                 available=not_without("/recruitment", "the channel report")),
    ]


# ---------------------------------------------------------------- report

def say(message: str) -> None:
    print(f"bench | {message}", flush=True)


def fmt(value, digits: int = 1) -> str:
    return "–" if value is None else (f"{value:,.{digits}f}" if isinstance(value, float)
                                      else f"{value:,}")


def table(results: list[Result], meta: dict) -> str:
    lines = [
        f"# Benchmark results ({'smoke' if meta['smoke'] else 'full'})", "",
        f"- machine: {meta['machine']}", f"- when: {meta['when']}",
        f"- data: demo-data --ambassadors {meta['ambassadors']} --years {meta['years']}",
        f"- server: gunicorn.conf.py, {meta['workers']} workers × {meta['threads']} threads "
        f"(gthread); wrk {meta['duration']} s, {meta['connections']} connections",
        f"- clicks sent {meta['clicks_sent']:,}, recorded {meta['clicks_recorded']:,}", "",
        "| scenario | requests/s | p50 ms | p99 ms | errors | × bare | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(f"| {r.name} | {fmt(r.rps)} | {fmt(r.p50_ms)} | {fmt(r.p99_ms)} | "
                     f"{fmt(r.errors)} | {fmt(r.ratio_vs_bare, 2)} | {r.note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="advocacy benchmarks (issue 11)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, seconds (CI)")
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"),
        help="server URL without a database; bench_* databases are created there")
    parser.add_argument("--ambassadors", type=int)
    parser.add_argument("--years", type=int)
    parser.add_argument("--duration", type=int)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--warmup", type=int, help="seconds of unmeasured load first")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 0))
                        or None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--reminder-people", type=int, help="default 10,000 (smoke 200)")
    parser.add_argument("--keep-logs", help="copy the servers' logs into this directory")
    args = parser.parse_args(argv)
    if args.ambassadors is None:
        args.ambassadors = 30 if args.smoke else 10_000
    if args.years is None:
        args.years = 1 if args.smoke else 5
    if args.duration is None:
        args.duration = 2 if args.smoke else 30
    if args.warmup is None:
        args.warmup = 1 if args.smoke else 5
    if args.smoke:
        args.connections = min(args.connections, 8)
    import multiprocessing

    args.workers = args.workers or 2 * multiprocessing.cpu_count() + 1
    args.threads = args.threads or int(os.environ.get("WEB_THREADS", 4))
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (apt-get install -y wrk, or `make bench`)")

    wanted = set(args.only.split(",")) if args.only else None
    workdir = tempfile.mkdtemp(prefix="advocacy-bench-")
    run = Run(args=args, workdir=workdir)
    run.clicks_recorded = 0
    results: list[Result] = []
    try:
        run.database_url = prepare_database(args, workdir)
        start_servers(run)
        for scenario in scenarios(args):
            if wanted and scenario.name not in wanted:
                continue
            reason = scenario.available(run)
            if reason:
                results.append(Result(name=scenario.name, note=reason))
                say(f"{scenario.name}: {reason}")
                continue
            say(f"{scenario.name} …")
            try:
                result = run_scenario(run, scenario)
            except Exception as exc:  # noqa: BLE001 - a broken scenario is a reported row
                result = Result(name=scenario.name, note=f"failed: {exc!r}"[:300])
            results.append(result)
            say(f"{scenario.name}: {fmt(result.rps)} /s, p50 {fmt(result.p50_ms)} ms, "
                f"p99 {fmt(result.p99_ms)} ms, errors {fmt(result.errors)} {result.note}")
    finally:
        stop_servers(run)
        if args.keep_logs:  # the servers' logs, e.g. to look for warnings of the redirect
            Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
            for log in Path(workdir).glob("*.log"):
                shutil.copy(log, Path(args.keep_logs) / log.name)
        shutil.rmtree(workdir, ignore_errors=True)
    return report(args, run, results)


def run_scenario(run: Run, scenario: Scenario) -> Result:
    if scenario.run is not None:
        return scenario.run(run)
    args = run.args
    cookies = scenario.cookies(run) if scenario.cookies else []
    paths = scenario.paths(run)
    expect = 302 if scenario.server.startswith("bare") else 200
    connections = scenario.connections or args.connections
    wrk(run, scenario.server, paths, cookies, connections, expect, args.warmup)  # warm-up
    return http_result(scenario.name, wrk(
        run, scenario.server, paths, cookies, connections, expect))


def report(args: argparse.Namespace, run: Run, results: list[Result]) -> int:
    bare = next((r.rps for r in results if r.name == "bare" and r.rps), None)
    for r in results:
        if bare and r.rps is not None and r.name not in {"reminders", "rollups", "redirect_paced"}:
            r.ratio_vs_bare = round(r.rps / bare, 3)
    meta = {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"{platform.python_implementation()} {platform.python_version()}",
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "smoke": args.smoke,
        "ambassadors": args.ambassadors, "years": args.years, "workers": args.workers,
        "threads": args.threads, "duration": args.duration,
        "connections": args.connections, "clicks_sent": run.clicks_sent,
        "clicks_recorded": run.clicks_recorded,
    }
    text = table(results, meta)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = "smoke" if args.smoke else "latest"
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(json.dumps({
        "machine": meta["machine"], "when": meta["when"],
        "scenarios": [r.as_json() for r in results],
        "clicks_sent": run.clicks_sent, "clicks_recorded": run.clicks_recorded,
    }, indent=2) + "\n")
    # A scenario that broke fails the run (a "not available" one is reported, not failed).
    broken = [r.name for r in results if (r.note or "").startswith("failed:")]
    if broken:
        print(f"bench: failed scenarios: {', '.join(broken)}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
