"""`make faults` / `make faults-smoke`: the product under load while its parts fail (issue 11).

Everything runs on 127.0.0.1 with processes of the suite's own, stopped by PID at the end:
a PostgreSQL cluster (initdb + pg_ctl, as the postgres user when run as root) and a Redis
(redis-server, append-only file) on free ports, which the cases kill and restart; gunicorn
with gunicorn.conf.py (the Procfile's settings); Celery workers with beat; an aiosmtpd sink.
Load comes from `FixedRate`, a bounded fixed-rate client (threads, one request every
1/rate s, each with its own connection), since wrk cannot hold a fixed rate.

Cases (smoke mode: one short case of each kind, a few seconds each):
  L1  the redirect at 150 req/s for 10 min: 0 non-302, 0 lost
  L2  a 400 req/s burst for 60 s: 0 lost, backlog drained within 60 s
  F1  50 random kill -9 of Celery workers while 2,000 reminders go out: 0 lost, no
      recipient with two different Message-IDs for one dedupe key
  F2  5 Redis restarts (graceful and kill -9) under load: 0 redirect errors, a canary task
      runs within 60 s after each
  F3  3 PostgreSQL restarts and a 20 s lock on the clicks table under L1: 0 non-302,
      0 lost, p99 under 100 ms
  F4  two beat processes for 15 min: exactly one reminder per dedupe key
  F5  every task enqueued three times (and click drains replayed): no duplicate effect
"Lost" = fewer recorded clicks than 302 answers to human requests once queues drain.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advocacy import tasknames  # noqa: E402
from bench.harness import (  # noqa: E402
    OwnPostgres,
    OwnRedis,
    free_port,
    product_env,
    start_gunicorn,
    start_worker,
    stop_process,
    wait_until,
)

RESULTS = ROOT / "bench" / "results"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0 Build/{}"


def say(message: str) -> None:
    print(f"faults | {message}", flush=True)


# ---------------------------------------------------------------- fixed-rate load

@dataclass
class Load:
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    latencies: list[float] = field(default_factory=list)
    failures: int = 0  # no answer at all (refused, reset, timed out)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + self.failures

    @property
    def redirected(self) -> int:
        return self.statuses.get(302, 0)

    @property
    def non_302(self) -> int:
        return self.sent - self.redirected

    def others(self) -> str:
        """What the answers that were not a redirect were: "" when there were none."""
        parts = [f"{n}× {status}" for status, n in sorted(self.statuses.items())
                 if status != 302 and n]
        if self.failures:
            parts.append(f"{self.failures}× no answer")
        return f" ({', '.join(parts)})" if parts else ""

    def p99_ms(self) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)


class FixedRate:
    """`rate` requests a second for `seconds`, started on schedule whatever the answers take
    (at most `max_in_flight` at once; beyond that a request counts as a failure)."""

    def __init__(self, port: int, paths: list[str], rate: float, seconds: float,
                 max_in_flight: int = 200, timeout: float = 20.0) -> None:
        self.port, self.paths, self.rate, self.seconds = port, paths, rate, seconds
        self.slots = threading.BoundedSemaphore(max_in_flight)
        self.timeout = timeout
        self.load = Load()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.threads: list[threading.Thread] = []

    def start(self) -> FixedRate:
        self.thread.start()
        return self

    def _one(self, n: int) -> None:
        started = time.perf_counter()
        status = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            conn.request("GET", random.choice(self.paths),  # nosec B311 - load, not crypto
                         headers={"User-Agent": AGENT.format(n)})
            status = conn.getresponse().status
            conn.close()
        except OSError:
            status = None
        finally:
            elapsed = time.perf_counter() - started
            with self.load.lock:
                if status is None:
                    self.load.failures += 1
                else:
                    self.load.statuses[status] += 1
                self.load.latencies.append(elapsed)
            self.slots.release()

    def _run(self) -> None:
        total = int(self.rate * self.seconds)
        start = time.perf_counter()
        for n in range(total):
            delay = start + n / self.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)  # the schedule itself
            if not self.slots.acquire(blocking=False):
                with self.load.lock:
                    self.load.failures += 1
                continue
            worker = threading.Thread(target=self._one, args=(n,), daemon=True)
            worker.start()
            self.threads.append(worker)

    def wait(self) -> Load:
        self.thread.join()
        for worker in self.threads:
            worker.join(self.timeout + 5)
        return self.load


# ---------------------------------------------------------------- the stack

@dataclass
class Stack:
    args: argparse.Namespace
    workdir: str
    pg: OwnPostgres | None = None
    redis: OwnRedis | None = None
    database_url: str = ""
    env: dict = field(default_factory=dict)
    web: subprocess.Popen | None = None
    port: int = 0
    workers: list[subprocess.Popen] = field(default_factory=list)
    beats: list[subprocess.Popen] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    sink: object = None
    since: datetime | None = None  # clicks counted are those made after the demo data

    def sql(self, statement: str, params: dict | None = None):
        import psycopg

        with psycopg.connect(self.database_url.replace("+psycopg", ""), autocommit=True,
                             connect_timeout=5) as conn:
            cur = conn.execute(statement, params or {})
            return cur.fetchall() if cur.description else []

    def clicks(self) -> int:
        for _ in range(100):
            try:
                # only clicks made by the suite: retention may prune the demo data's
                return self.sql("SELECT count(*) FROM clicks WHERE created_at >= %(since)s",
                                {"since": self.since})[0][0]
            except Exception:  # noqa: BLE001 - PostgreSQL restarting: ask again
                time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not come back")

    def send(self, name: str, *args, **kwargs):
        from celery import Celery

        client = Celery(broker=self.redis.url, backend=self.redis.url)
        try:
            return client.send_task(name, args=list(args), kwargs=kwargs)
        finally:
            client.close()

    def call(self, name: str, *args, timeout: float = 5.0):
        """Send a task and wait for its result with a client of its own (Redis may have
        restarted since the last call)."""
        from celery import Celery

        client = Celery(broker=self.redis.url, backend=self.redis.url)
        try:
            return client.send_task(name, args=list(args)).get(timeout=timeout)
        finally:
            client.close()

    def stream_length(self) -> int:
        import redis

        r = redis.Redis.from_url(self.redis.url)
        try:
            return int(r.xlen("advocacy:clicks:stream"))
        finally:
            r.close()

    def waiting(self) -> str:
        """Where clicks not yet in the database wait: for a case that lost some."""
        import redis

        r = redis.Redis.from_url(self.redis.url)
        try:
            where = (f"waiting: stream {r.xlen('advocacy:clicks:stream')}, drain lock ttl "
                     f"{r.ttl('advocacy:clicks:pending:lock')}")
        except redis.RedisError as exc:
            where = f"waiting: Redis unavailable ({exc})"
        finally:
            r.close()
        spooled = sum(1 for f in Path(self.workdir).glob("**/clicks-*")
                      for line in f.read_bytes().splitlines() if line.strip())
        tail = Path(self.workdir, "worker.log").read_text(errors="replace").splitlines()[-15:]
        return where + f", spooled {spooled}; worker log:\n" + "\n".join(tail)

    def drain(self, expected: int, timeout: float = 60.0) -> tuple[int, float]:
        """Wait until `expected` clicks are recorded (drain tasks nudged); (count, seconds)."""
        from advocacy.tasknames import all_names
        from worker import celery

        celery.loader.import_default_modules()  # every task module, to find the drain tasks

        names = [n for n in celery.tasks if "drain" in n and n in all_names()]
        started = time.monotonic()
        last = -1
        while time.monotonic() - started < timeout:
            count = self.clicks()
            if count >= expected:
                return count, time.monotonic() - started
            if count != last:
                last = count
                for name in names:
                    try:
                        self.send(name)
                    except Exception:  # noqa: BLE001 - Redis may be restarting  # nosec B110
                        pass
            time.sleep(0.5)  # poll interval
        return self.clicks(), time.monotonic() - started


def build_stack(args: argparse.Namespace) -> Stack:
    workdir = tempfile.mkdtemp(prefix="advocacy-faults-")
    stack = Stack(args=args, workdir=workdir)
    stack.pg = OwnPostgres().init().start()
    stack.database_url = stack.pg.create_database("faults")
    stack.redis = OwnRedis().start()
    from tests.worker.conftest import SmtpSink

    stack.sink = SmtpSink().start()
    stack.env = product_env(stack.database_url, stack.redis.url, workdir,
                            MAIL_SERVER="127.0.0.1", MAIL_PORT=str(stack.sink.port),
                            SECRET_KEY="faults-" + "y" * 40, REMINDER_DISPATCH_LEASE="20",
                            REMINDER_SEND_LEASE="20")
    flask = [sys.executable, "-m", "flask", "--app", "advocacy"]
    subprocess.run([*flask, "db", "upgrade"], env=stack.env, cwd=ROOT, check=True,  # nosec B603
                   capture_output=True)
    subprocess.run([*flask, "demo-data", "--ambassadors", "20", "--years", "1"],  # nosec B603
                   env=stack.env, cwd=ROOT, check=True, capture_output=True)
    stack.paths = [f"/r/{t}" for (t,) in stack.sql("SELECT token FROM shares LIMIT 2000")]
    stack.since = datetime.now(UTC)
    stack.port = free_port()
    stack.web = start_gunicorn("advocacy:create_app()", stack.env, stack.port,
                               f"{workdir}/web.log", workers=args.workers)
    stack.workers.append(start_worker(stack.env, f"{workdir}/worker.log", 2, "faults"))
    stack.beats.append(_beat(stack, "beat"))
    ok = wait_until(lambda: stack.call("advocacy.ops.canary"), 60, interval=0.5)
    if not ok:
        raise RuntimeError("the worker did not answer the canary")
    # The beat's first warm of the redirect's shared target cache (within 15 s of its
    # start): from then on every token redirects while PostgreSQL is away (F3).
    import redis

    warmed = redis.Redis.from_url(stack.redis.url)
    if not wait_until(lambda: warmed.exists("advocacy:target-warm-due"), 60, interval=0.5):
        raise RuntimeError("the beat did not warm the redirect's target cache")
    warmed.close()
    # Warm-up: every gunicorn worker has answered before any case measures.
    warm = FixedRate(stack.port, stack.paths, 10, 3).start().wait()
    stack.drain(warm.redirected, timeout=60)  # every case starts with nothing waiting
    return stack


def _beat(stack: Stack, name: str) -> subprocess.Popen:
    schedule = Path(stack.workdir) / f"{name}-schedule"
    with open(f"{stack.workdir}/{name}.log", "ab") as log:
        return subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel=INFO",
             "-s", str(schedule)],
            cwd=ROOT, env=stack.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)


def teardown(stack: Stack) -> None:
    for process in [*stack.beats, *stack.workers, stack.web]:
        stop_process(process)
    if stack.sink is not None:
        stack.sink.stop()
    if stack.redis:
        stack.redis.cleanup()
    if stack.pg:
        stack.pg.cleanup()
    shutil.rmtree(stack.workdir, ignore_errors=True)


# ---------------------------------------------------------------- cases

@dataclass
class Case:
    name: str
    target: str
    measured: str = ""
    passed: bool | None = None


def redirect_under(stack: Stack, rate: float, seconds: float, during=None) -> tuple[Load, int]:
    before = stack.clicks()
    load = FixedRate(stack.port, stack.paths, rate, seconds).start()
    if during is not None:
        during()
    result = load.wait()
    recorded, _ = stack.drain(before + result.redirected, timeout=60)
    return result, recorded - before


def case_l1(stack: Stack) -> Case:
    rate, seconds = (20, 5) if stack.args.smoke else (150, 600)
    load, recorded = redirect_under(stack, rate, seconds)
    lost = max(0, load.redirected - recorded)
    return Case("L1", f"{rate} req/s for {seconds} s: 0 non-302, 0 lost",
                f"{load.sent} sent, {load.non_302} non-302{load.others()}, {lost} lost, "
                f"p99 {load.p99_ms()} ms",
                load.non_302 == 0 and lost == 0)


def case_l2(stack: Stack) -> Case:
    rate, seconds = (60, 3) if stack.args.smoke else (400, 60)
    before = stack.clicks()
    load = FixedRate(stack.port, stack.paths, rate, seconds).start()
    result = load.wait()
    recorded, drained_in = stack.drain(before + result.redirected, timeout=60)
    lost = max(0, result.redirected - (recorded - before))
    return Case("L2", f"{rate} req/s burst for {seconds} s: 0 lost, drained within 60 s",
                f"{result.sent} sent, {result.non_302} non-302, {lost} lost, drained in "
                f"{drained_in:.1f} s, p99 {result.p99_ms()} ms",
                lost == 0 and drained_in <= 60)


def case_f2(stack: Stack) -> Case:
    restarts = 2 if stack.args.smoke else 5
    rate = 20
    canary_waits: list[float] = []
    outcome = {"running_at_kill": 0}

    def faults() -> None:
        for n in range(restarts):
            holding = None
            try:
                holding = stack.send(tasknames.CANARY, 3)  # a task running at the kill
            except Exception:  # noqa: BLE001  # nosec B110
                pass
            time.sleep(1.0)  # let the worker pick it up
            outcome["running_at_kill"] += holding is not None
            stack.redis.restart(graceful=bool(n % 2), down_for=1.0)
            started = time.monotonic()
            ok = wait_until(lambda: stack.call("advocacy.ops.canary"), 60, interval=0.5)
            canary_waits.append(time.monotonic() - started if ok else float("inf"))

    seconds = restarts * 6 + 4
    load, recorded = redirect_under(stack, rate, seconds, during=faults)
    workers_alive = all(w.poll() is None for w in stack.workers)
    worst = max(canary_waits) if canary_waits else float("inf")
    lost = max(0, load.redirected - recorded)
    if lost:
        say(f"F2 {stack.waiting()}")
    return Case("F2", f"{restarts} Redis restarts: 0 redirect errors, canary within 60 s",
                f"{load.non_302} redirect errors{load.others()} of {load.sent}, {lost} lost, "
                f"canary worst {worst:.1f} s, worker alive: {workers_alive}",
                load.non_302 == 0 and worst <= 60 and workers_alive)


def case_f3(stack: Stack) -> Case:
    restarts = 1 if stack.args.smoke else 3
    lock_seconds = 3 if stack.args.smoke else 20
    rate = 20 if stack.args.smoke else 150

    def faults() -> None:
        for _ in range(restarts):
            time.sleep(1.0)
            stack.pg.restart(down_for=2.0)
        import psycopg

        time.sleep(1.0)
        with psycopg.connect(stack.database_url.replace("+psycopg", "")) as conn:
            conn.execute("LOCK TABLE clicks IN ACCESS EXCLUSIVE MODE")
            time.sleep(lock_seconds)  # the lock is the fault being measured
            conn.rollback()

    seconds = restarts * 4 + lock_seconds + 4
    load, recorded = redirect_under(stack, rate, seconds, during=faults)
    lost = max(0, load.redirected - recorded)
    if lost:
        say(f"F3 {stack.waiting()}")
    p99 = load.p99_ms()
    return Case("F3", f"{restarts} PostgreSQL restarts + {lock_seconds} s clicks lock at "
                f"{rate} req/s: 0 non-302, 0 lost, p99 < 100 ms",
                f"{load.non_302} non-302{load.others()} of {load.sent}, {lost} lost, p99 {p99} ms",
                load.non_302 == 0 and lost == 0 and p99 < 100)


def _plan_reminders(stack: Stack, people: int) -> int:
    """People who accept reminders at any hour, posts for them, one digest each."""
    code = f"""
from advocacy import create_app
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.reminders import planning
from advocacy.accounts.models import Role, User
from advocacy.reminders.models import ReminderPreference
from sqlalchemy import select, update
app = create_app()
with app.app_context():
    users = [{{"email": f"f{{i}}@example.org", "name": f"F {{i}}", "title": "", "locale": "en",
              "session_version": 1, "active": True, "created_at": utcnow(),
              "joined_at": utcnow()}} for i in range({people})]
    db.session.execute(User.__table__.insert(), users)
    ids = list(db.session.scalars(select(User.id).where(User.email.like("f%@example.org"))))
    db.session.execute(Role.__table__.insert(), [{{"user_id": i, "name": "ambassador",
        "created_at": utcnow()}} for i in ids])
    db.session.execute(ReminderPreference.__table__.insert(), [{{"user_id": i,
        "frequency": "daily", "email": True, "chat": False, "work_start": 0, "work_end": 24,
        "work_days": "1234567", "unsubscribed": "", "updated_at": utcnow()}} for i in ids])
    db.session.commit()
    print("PLANNED", planning.plan(utcnow()))
    db.session.commit()
"""
    out = subprocess.run([sys.executable, "-c", code], env=stack.env, cwd=ROOT,  # nosec B603
                         capture_output=True, text=True, check=True, timeout=600).stdout
    return int(next(line for line in out.splitlines() if line.startswith("PLANNED")).split()[1])


CASE_PEOPLE = "f%%@example.org"  # the people a case makes (SQL LIKE), not the demo's


def _case_person(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    return domain == "example.org" and local.startswith("f") and local[1:].isdigit()


def _mail_by_dedupe(stack: Stack) -> tuple[int, int]:
    """(mails to the case's people, one per recipient and subject; recipients who got two
    different Message-IDs for one dedupe key). The demo data's people are not counted: the
    beat also plans their nudges and digests, at its own pace."""
    per_key: dict[tuple, set] = defaultdict(set)
    with stack.sink._lock:
        for message, (_from, rcpts) in zip(stack.sink.messages, stack.sink.envelopes,
                                           strict=True):
            subject = str(message.get("Subject", ""))
            for rcpt in rcpts:
                if _case_person(rcpt):
                    per_key[(rcpt, subject)].add(str(message.get("Message-ID", "")))
    doubles = sum(1 for ids in per_key.values() if len(ids) > 1)
    return len(per_key), doubles


def case_f1(stack: Stack) -> Case:
    people = 100 if stack.args.smoke else 2000
    kills = 2 if stack.args.smoke else 50
    with stack.sink._lock:
        stack.sink.messages.clear()
        stack.sink.envelopes.clear()
    _plan_reminders(stack, people)
    # planning.plan counts the rows it planned for everyone, the demo data's people too
    # (their deadline nudges and digests: 147 rows for 100 people on 2026-12-02); the case
    # counts its own people's rows, of every kind, and waits until each is sent.
    planned = stack.sql("SELECT count(*) FROM reminders WHERE user_id IN "
                        f"(SELECT id FROM users WHERE email LIKE '{CASE_PEOPLE}')")[0][0]
    stack.send(tasknames.REMINDERS_SCAN)
    rng = random.Random(11)  # nosec B311
    started = time.monotonic()
    for _ in range(kills):
        time.sleep(rng.uniform(0.2, 1.0 if stack.args.smoke else 2.0))
        victim = rng.randrange(len(stack.workers))
        os.killpg(stack.workers[victim].pid, signal.SIGKILL)
        stack.workers[victim].wait()
        stack.workers[victim] = start_worker(stack.env, f"{stack.workdir}/worker.log", 2,
                                             f"faults{rng.randrange(10**6)}")
    sent_rows = lambda: stack.sql(  # noqa: E731
        "SELECT count(*) FROM reminders WHERE status = 'sent' AND user_id IN "
        f"(SELECT id FROM users WHERE email LIKE '{CASE_PEOPLE}')")[0][0]
    deadline = 120 if stack.args.smoke else 600
    while time.monotonic() - started < deadline and sent_rows() < planned:
        stack.send(tasknames.REMINDERS_SCAN)  # what beat does every minute
        time.sleep(2.0)
    delivered, doubles = _mail_by_dedupe(stack)
    lost = max(0, planned - delivered)
    return Case("F1", f"{kills} kill -9 of workers during {people} reminders: 0 lost, "
                "no two Message-IDs for one dedupe key",
                f"{planned} planned, {delivered} delivered, {lost} lost, {doubles} recipients "
                "with two different Message-IDs", lost == 0 and doubles == 0)


def case_f4(stack: Stack) -> Case:
    seconds = 70 if stack.args.smoke else 900
    second = _beat(stack, "beat2")
    stack.beats.append(second)
    people = 20 if stack.args.smoke else 200
    with stack.sink._lock:
        stack.sink.messages.clear()
        stack.sink.envelopes.clear()
    stack.sql("DELETE FROM reminders")
    planned = _plan_reminders_more(stack, people)
    time.sleep(seconds)  # the two beats run for the whole case
    rows = stack.sql("SELECT user_id, kind, period, channel, count(*) FROM reminders "
                     "GROUP BY 1, 2, 3, 4 HAVING count(*) > 1")
    delivered, doubles = _mail_by_dedupe(stack)
    # The same reminder twice: its Message-ID comes from its dedupe key, so a second
    # delivery of one key repeats it. (A person may well get several reminders of different
    # kinds, e.g. a digest and the monthly summary: those are not duplicates.)
    with stack.sink._lock:
        per_message = defaultdict(int)
        for message, (_from, rcpts) in zip(stack.sink.messages, stack.sink.envelopes,
                                           strict=True):
            for rcpt in rcpts:
                if _case_person(rcpt):
                    per_message[(rcpt, str(message.get("Message-ID", "")))] += 1
    twice = sum(1 for n in per_message.values() if n > 1)
    stop_process(second)
    stack.beats.remove(second)
    return Case("F4", f"two beat processes for {seconds} s: one reminder per dedupe key",
                f"{planned} people, {delivered} delivered, {len(rows)} duplicate rows, "
                f"{twice} reminders delivered twice, {doubles} keys with two Message-IDs",
                not rows and twice == 0 and doubles == 0 and delivered > 0)


def _plan_reminders_more(stack: Stack, people: int) -> int:
    stack.sql("DELETE FROM reminder_preferences WHERE user_id IN (SELECT id FROM users WHERE "
              "email LIKE 'f%%@example.org')")
    stack.sql("DELETE FROM roles WHERE user_id IN (SELECT id FROM users WHERE "
              "email LIKE 'f%%@example.org')")
    stack.sql("DELETE FROM users WHERE email LIKE 'f%%@example.org'")
    _plan_reminders(stack, people)
    return people


def case_f5(stack: Stack) -> Case:
    from worker import celery
    from worker.schedule import SCHEDULE

    celery.loader.import_default_modules()  # every task module, as a starting worker does
    before_clicks = stack.clicks()
    load = FixedRate(stack.port, stack.paths, 20, 2).start().wait()
    counts_before = stack.sql("SELECT (SELECT count(*) FROM reminders WHERE status='sent'), "
                              "(SELECT count(*) FROM activity_person_months)")[0]
    from celery import Celery

    client = Celery(broker=stack.redis.url, backend=stack.redis.url)
    results = []
    for entry in SCHEDULE.values():
        if entry["task"] in celery.tasks:
            for _ in range(3):
                results.append(client.send_task(entry["task"], args=entry.get("args", [])))
    for result in results:
        try:
            result.get(timeout=120, propagate=False)
        except Exception:  # noqa: BLE001 - a timed-out task shows in the counts  # nosec B110
            pass
    client.close()
    recorded, _ = stack.drain(before_clicks + load.redirected, timeout=30)
    replayed = _replay_click_batch(stack, times=3)
    stack.send(tasknames.DRAIN_CLICKS)
    if not wait_until(lambda: stack.stream_length() == 0, 30, interval=0.5):
        return Case("F5", "every scheduled task enqueued 3×: no duplicate effect",
                    "the replayed click batch was not drained within 30 s", False)
    time.sleep(1.0)  # a drain still running would show in the count
    after_clicks = stack.clicks()
    counts_after = stack.sql("SELECT (SELECT count(*) FROM reminders WHERE status='sent'), "
                             "(SELECT count(*) FROM activity_person_months)")[0]
    dup_keys = stack.sql("SELECT count(*) FROM (SELECT 1 FROM reminders GROUP BY user_id, "
                         "kind, period, channel HAVING count(*) > 1) d")[0][0]
    extra = after_clicks - before_clicks - load.redirected
    return Case("F5", "every scheduled task enqueued 3×: no duplicate effect",
                f"{len(results)} tasks; clicks {after_clicks - before_clicks} for "
                f"{load.redirected} redirects ({extra:+d}); duplicate reminder keys "
                f"{dup_keys}; sent {counts_before[0]}→{counts_after[0]}; the batch of "
                f"{replayed} clicks back in the stream 3×",
                extra == 0 and dup_keys == 0 and replayed > 0)


def _replay_click_batch(stack: Stack, times: int) -> int:
    """The clicks this case made, written back into the stream `times` times, as a drain
    that crashed between its commit and its XDEL would leave them: the drain must add
    nothing (the insert is keyed by click id)."""
    import redis

    rows = stack.sql("SELECT click_id, share_id, created_at, visitor_hash, referrer_host, "
                     "is_bot, is_repeat FROM clicks WHERE created_at >= %(since)s "
                     "ORDER BY id DESC LIMIT 40", {"since": stack.since})
    r = redis.Redis.from_url(stack.redis.url)
    try:
        pipe = r.pipeline(transaction=False)
        for _ in range(times):
            for click_id, share_id, created, hashed, host, bot, repeat in rows:
                item = {"click_id": click_id, "share_id": share_id,
                        "created_at": created.isoformat(), "visitor_hash": hashed,
                        "referrer_host": host, "is_bot": bot}
                pipe.xadd("advocacy:clicks:stream", {"c": json.dumps(item),
                                                     "r": b"1" if repeat else b"0"})
        pipe.execute()
    finally:
        r.close()
    return len(rows)


CASES = {"L1": case_l1, "L2": case_l2, "F2": case_f2, "F3": case_f3, "F5": case_f5,
         "F1": case_f1, "F4": case_f4}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="advocacy fault suite (issue 11)")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    import multiprocessing

    args.workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", 0)) \
        or 2 * multiprocessing.cpu_count() + 1
    wanted = args.only.split(",") if args.only else list(CASES)
    say("starting an own PostgreSQL, Redis, gunicorn, worker and beat")
    stack = build_stack(args)
    results: list[Case] = []
    try:
        for name in wanted:
            say(f"{name} …")
            try:
                case = CASES[name](stack)
            except Exception as exc:  # noqa: BLE001 - a broken case is a failed case
                case = Case(name, "", f"error: {exc!r}", False)
            results.append(case)
            say(f"{case.name}: {'pass' if case.passed else 'FAIL'} – {case.measured}")
    finally:
        teardown(stack)
    lines = [f"# Fault suite ({'smoke' if args.smoke else 'full'})", "",
             f"- when: {datetime.now(UTC).isoformat(timespec='seconds')}", "",
             "| case | target | measured | result |", "|---|---|---|---|"]
    lines += [f"| {c.name} | {c.target} | {c.measured} | {'pass' if c.passed else 'FAIL'} |"
              for c in results]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = "faults-smoke" if args.smoke else "faults"
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(json.dumps(
        [c.__dict__ for c in results], indent=2) + "\n")
    return 0 if all(c.passed for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
