"""The tracked redirect against a bare Flask 302, same gunicorn settings, same run.

    .venv/bin/python bench/redirect.py [--database URL] [--seconds 15] [--connections 50]

Builds (once) a PostgreSQL database with a few hundred shares, serves the product and a bare
Flask app in turn under gunicorn (2 sync workers) on 127.0.0.1, drives each with wrk
(random tokens, varied user agents), then drains the click stream and compares the clicks
recorded with the human 302 answers. Prints one line per scenario and the ratio; stops
every process it started by its PID.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess  # nosec B404  starts gunicorn and wrk with fixed arguments
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = '''
from flask import Flask, redirect
app = Flask(__name__)

@app.get("/r/<token>")
def bare(token):
    return redirect("https://example.org/jobs/1?utm_source=x", code=302)
'''

WRK_LUA = '''
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local agents = {
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 [LinkedInApp]/4.1",
}
math.randomseed(os.time())
request = function()
  local ua = agents[math.random(#agents)] .. " n/" .. math.random(100000)
  return wrk.format("GET", "/r/" .. tokens[math.random(#tokens)], {["User-Agent"] = ua})
end
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, shares: int) -> list[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = make_url(url).database
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from advocacy import create_app
    from advocacy.extensions import db
    from advocacy.sharing.models import Share

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        tokens = list(db.session.scalars(db.select(Share.token).limit(shares)))
        if len(tokens) < shares:
            from tests import factories as f

            os.environ["ADVOCACY_FAST_PASSWORD_HASH"] = "1"  # made-up people, no logins
            post = f.post(link="https://example.org/jobs/1")
            people = [f.user() for _ in range(20)]
            for n in range(shares - len(tokens)):
                tokens.append(f.share(people[n % len(people)], post).token)
            db.session.commit()
    return tokens


def clicks_and_pending(url: str) -> tuple[int, int]:
    from advocacy import create_app
    from advocacy.extensions import db
    from advocacy.tracking.models import Click
    from advocacy.tracking.service import drain_until_empty

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        drain_until_empty(db.session.commit, timeout=120)
        total = db.session.scalar(db.select(db.func.count()).select_from(Click)
                                  .where(Click.is_bot.is_(False)))
        from advocacy.tracking.service import pending_count

        return int(total), pending_count()


def serve(target: str, env: dict, workdir: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "/r/warm-up")
            break
        except OSError:
            time.sleep(0.2)
    return process, port


def get(port: int, path: str) -> int:
    """One request on loopback, redirects NOT followed (no request leaves 127.0.0.1)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"User-Agent": "Mozilla/5.0 (bench warm-up)"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wrk(port: int, script: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(  # nosec B603 B607
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", script, f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]

    requests = int(re.search(r"(\d+) requests in", out)[1])
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "p50": ms("50"), "p99": ms("99"), "requests": requests,
            "bad": int(non2xx[1]) if non2xx else 0, "socket_errors": errors[1] if errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_tracking_bench"))
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--shares", type=int, default=500)
    args = parser.parse_args()
    # our own key prefix on the shared Redis, so nothing mixes with other runs
    os.environ.setdefault("REDIS_KEY_PREFIX", f"bench-redirect-{os.getpid()}:")
    tokens = prepare(args.database, args.shares)
    before, _ = clicks_and_pending(args.database)
    work = tempfile.mkdtemp(prefix="bench-redirect-")
    Path(work, "tokens.txt").write_text("\n".join(tokens) + "\n")
    Path(work, "bare_app.py").write_text(BARE)
    script = Path(work, "redirect.lua")
    script.write_text(WRK_LUA % {"tokens": Path(work, "tokens.txt")})
    env = {**os.environ, "DATABASE_URL": args.database, "PYTHONPATH": str(ROOT),
           "REDIRECT_COUNTED_PER_MINUTE": "100000000", "REDIRECT_MAX_PER_MINUTE": "0",
           "TRACKING_SPOOL_DIR": str(Path(work, "spool"))}
    results = {}
    for name, target, cwd in (("bare", "bare_app:app", work),
                              ("redirect", "advocacy:create_app()", str(ROOT))):
        process, port = serve(target, env, cwd)
        try:
            warm = sum(get(port, f"/r/{token}") == 302 for token in tokens[:50])
            if name == "redirect":
                results["warm"] = warm
            results[name] = wrk(port, str(script), args.seconds, args.connections)
        finally:
            process.terminate()
            process.wait(timeout=30)
    after, pending = clicks_and_pending(args.database)
    warm = results.pop("warm")
    bare = results["bare"]["rps"]
    for name, r in results.items():
        print(f"{name:9} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
              f"non-3xx {r['bad']}  {r['socket_errors']}  ratio {r['rps'] / bare:.2f}")
    sent = results["redirect"]["requests"] - results["redirect"]["bad"] + warm
    print(f"clicks sent {sent}, recorded {after - before}, still waiting {pending}")


if __name__ == "__main__":
    main()
