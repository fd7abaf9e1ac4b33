"""The redirect's target cache shared by every web process: token → (share id, post id, URL)
in Redis, so a token any process has looked up (or the warm job has written) still
redirects while PostgreSQL is down, restarting or locked.

Keys (all under REDIS_KEY_PREFIX):
  target:<gen>:<token>         "share_id:post_id:url", expires after TRACKING_SHARED_CACHE_TTL
  target-post:<gen>:<post_id>  the cached tokens of a post (to clear them when its link changes)
  target-gen                   bumped to drop every entry at once (bulk changes, erasure)
  target-epoch                 bumped by every invalidation; a fill that read the database
                               before an invalidation is refused (it may hold the old URL)
  target-warm-due              set while the last warm is recent enough

Written on a database look-up (`fill`) and by the warm job (`warm`, beat); cleared after
the commit of anything that changes what a token resolves to (`install` hooks the session:
a post's link, a share's token/network/reference/post, deleted posts and shares; bulk
UPDATE/DELETE of shares, posts or users drop everything). docs/tracking.md has the reasons.
"""

from __future__ import annotations

import logging
import time
from typing import cast

import redis
from sqlalchemy import event, inspect

log = logging.getLogger(__name__)

GEN, EPOCH, WARM_DUE = "target-gen", "target-epoch", "target-warm-due"

# KEYS: gen, epoch. ARGV: prefix, token. → {value or false, gen, epoch}
LOOKUP_LUA = """
local g = redis.call('GET', KEYS[1]) or '0'
local e = redis.call('GET', KEYS[2]) or '0'
return {redis.call('GET', ARGV[1] .. 'target:' .. g .. ':' .. ARGV[2]), g, e}
"""

# KEYS: gen, epoch. ARGV: prefix, gen seen, epoch seen, ttl, then (token, post id, value)*.
# Refused (0) when anything was invalidated since the caller read gen and epoch.
FILL_LUA = """
local g = redis.call('GET', KEYS[1]) or '0'
local e = redis.call('GET', KEYS[2]) or '0'
if g ~= ARGV[2] or e ~= ARGV[3] then return 0 end
local ttl = tonumber(ARGV[4])
for i = 5, #ARGV, 3 do
  local posts = ARGV[1] .. 'target-post:' .. g .. ':' .. ARGV[i + 1]
  redis.call('SET', ARGV[1] .. 'target:' .. g .. ':' .. ARGV[i], ARGV[i + 2], 'EX', ttl)
  redis.call('SADD', posts, ARGV[i])
  redis.call('EXPIRE', posts, ttl)
end
return 1
"""

# KEYS: gen, epoch, warm-due. ARGV: prefix, everything (0/1), number of posts, post ids…,
# tokens…. The epoch goes up first, so a fill racing with this cannot write the old URL.
INVALIDATE_LUA = """
redis.call('INCR', KEYS[2])
if ARGV[2] == '1' then
  redis.call('INCR', KEYS[1])
  redis.call('DEL', KEYS[3])
  return 1
end
local g = redis.call('GET', KEYS[1]) or '0'
local n = tonumber(ARGV[3])
for i = 4, 3 + n do
  local posts = ARGV[1] .. 'target-post:' .. g .. ':' .. ARGV[i]
  for _, token in ipairs(redis.call('SMEMBERS', posts)) do
    redis.call('DEL', ARGV[1] .. 'target:' .. g .. ':' .. token)
  end
  redis.call('DEL', posts)
end
for i = 4 + n, #ARGV do
  redis.call('DEL', ARGV[1] .. 'target:' .. g .. ':' .. ARGV[i])
end
return 1
"""


def encode(share_id: int, post_id: int, url: str) -> str:
    return f"{share_id}:{post_id}:{url}"


def decode(value: bytes | str) -> tuple[int, int, str] | None:
    try:
        text = value.decode() if isinstance(value, bytes) else value
        share_id, post_id, url = text.split(":", 2)
        return int(share_id), int(post_id), url
    except (ValueError, UnicodeDecodeError):
        return None


class SharedTargets:
    """The Redis side, on a given client (the request path's has 50 ms timeouts)."""

    def __init__(self, client: redis.Redis, prefix: str, ttl: int) -> None:
        self.client, self.prefix, self.ttl = client, prefix, ttl
        self._lookup = client.register_script(LOOKUP_LUA)
        self._fill = client.register_script(FILL_LUA)
        self._invalidate = client.register_script(INVALIDATE_LUA)
        self.keys = [prefix + GEN, prefix + EPOCH]

    def lookup(self, token: str) -> tuple[tuple[int, int, str] | None, tuple[bytes, bytes]]:
        """One round trip: (target or None, (gen, epoch) to hand to `fill` on a miss)."""
        value, gen, epoch = self._lookup(keys=self.keys, args=[self.prefix, token])
        return (decode(value) if value else None), (gen, epoch)

    def versions(self) -> tuple[bytes, bytes]:
        # redis-py types a reply as `Awaitable | reply`; the sync client's is the reply
        gen, epoch = cast(list[bytes | None], self.client.mget(self.keys))
        return gen or b"0", epoch or b"0"

    def fill(self, seen: tuple[bytes, bytes],
             entries: list[tuple[str, int, int, str]]) -> bool:
        """Write (token, share id, post id, url) entries unless something was invalidated
        since `seen` was read (before the database was asked)."""
        if not entries:
            return True
        args: list = [self.prefix, seen[0], seen[1], self.ttl]
        for token, share_id, post_id, url in entries:
            args += [token, post_id, encode(share_id, post_id, url)]
        return bool(self._fill(keys=self.keys, args=args))

    def invalidate(self, post_ids=(), tokens=(), everything: bool = False) -> None:
        post_ids, tokens = sorted(set(post_ids)), sorted(set(tokens))
        if not (post_ids or tokens or everything):
            return
        self._invalidate(keys=[*self.keys, self.prefix + WARM_DUE],
                         args=[self.prefix, "1" if everything else "0", len(post_ids),
                               *post_ids, *tokens])


def for_app(app) -> SharedTargets:
    """Ordinary timeouts, for the warm job and invalidations (not the request path)."""
    found = app.extensions.get("advocacy_tracking_shared")
    if found is None:
        url = app.config.get("TRACKING_REDIS_URL") or app.config["REDIS_URL"]
        client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)
        found = app.extensions["advocacy_tracking_shared"] = SharedTargets(
            client, app.config.get("REDIS_KEY_PREFIX", "advocacy:"), ttl_of(app))
    return found


def ttl_of(app) -> int:
    return int(app.config.get("TRACKING_SHARED_CACHE_TTL", 86_400))


# --- warming ------------------------------------------------------------------------

def warm(app, limit: int | None = None, batch: int = 1000, force: bool = False) -> int | None:
    """Write the newest `limit` shares' targets (TRACKING_WARM_LIMIT, default 100,000) to
    Redis; at most once per TRACKING_WARM_INTERVAL unless `force`. Returns the entries
    written, or None when a recent warm made this one unnecessary."""
    from sqlalchemy import select

    from advocacy.content.models import Post
    from advocacy.extensions import db
    from advocacy.tracking.models import Share
    from advocacy.tracking.service import with_utm

    shared = for_app(app)
    limit = int(app.config.get("TRACKING_WARM_LIMIT", 100_000)) if limit is None else limit
    interval = int(app.config.get("TRACKING_WARM_INTERVAL", 1800))
    if not force and not shared.client.set(shared.prefix + WARM_DUE, str(time.time()),
                                           nx=True, ex=interval):
        return None
    written, last_id = 0, None
    while written < limit:
        for _attempt in range(5):
            seen = shared.versions()
            query = (select(Share.token, Share.id, Post.id, Post.link, Share.network,
                            Share.reference)
                     .join(Post, Post.id == Share.post_id)
                     .order_by(Share.id.desc()).limit(min(batch, limit - written)))
            if last_id is not None:
                query = query.where(Share.id < last_id)
            rows = db.session.execute(query).all()
            entries = [(token, share_id, post_id, with_utm(link, network, post_id, reference))
                       for token, share_id, post_id, link, network, reference in rows]
            if shared.fill(seen, entries):
                break  # else: something changed meanwhile; read this batch again
        else:
            log.warning("target cache warm stopped: the data kept changing")
            return written
        db.session.rollback()  # no long read transaction between batches
        if not rows:
            break
        written += len(rows)
        last_id = rows[-1][1]
    return written


# --- invalidation -------------------------------------------------------------------

PENDING = "advocacy_tracking_invalidate"
TOKEN_FIELDS = ("token", "network", "reference", "post_id")


def _pending(session) -> dict:
    return session.info.setdefault(PENDING, {"posts": set(), "tokens": set(), "all": False})


def _collect(session, _flush_context) -> None:
    from advocacy.accounts.models import User
    from advocacy.content.models import Post
    from advocacy.tracking.models import Share

    pending = None
    for obj in session.dirty:
        if isinstance(obj, Post):
            if inspect(obj).attrs.link.history.has_changes():
                pending = pending or _pending(session)
                pending["posts"].add(obj.id)
        elif isinstance(obj, Share):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in TOKEN_FIELDS):
                pending = pending or _pending(session)
                pending["tokens"].update(t for t in (
                    *state.attrs.token.history.deleted, obj.token) if t)
    for obj in session.deleted:
        if isinstance(obj, Post):
            _pending(session)["posts"].add(obj.id)
        elif isinstance(obj, Share):
            _pending(session)["tokens"].add(obj.token)
        elif isinstance(obj, User):
            _pending(session)["all"] = True  # the database deletes their shares in cascade


# Bulk statements (no objects to look at): which tables and columns change a target.
BULK_COLUMNS = {"shares": set(TOKEN_FIELDS) | {"id"}, "posts": {"link", "id"}}
BULK_DELETES = {"shares", "posts", "users"}  # a user's shares go with them (CASCADE)


def _set_columns(statement) -> set[str] | None:
    values = getattr(statement, "_values", None)
    if not values:
        return None  # executemany parameters: the columns are not known here
    names = set()
    for column in values:
        name = getattr(column, "key", None) or getattr(column, "name", None)
        if not isinstance(name, str):
            return None
        names.add(name)
    return names


def _bulk(orm_execute_state) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(getattr(orm_execute_state.statement, "table", None), "name", None)
    if orm_execute_state.is_delete:
        changed = table in BULK_DELETES
    elif table in BULK_COLUMNS:
        columns = _set_columns(orm_execute_state.statement)
        changed = columns is None or bool(columns & BULK_COLUMNS[table])
    else:
        changed = False
    if changed:
        _pending(orm_execute_state.session)["all"] = True


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not (pending["posts"] or pending["tokens"] or pending["all"]):
        return
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    try:
        for_app(app).invalidate(pending["posts"], pending["tokens"], pending["all"])
    except redis.RedisError as exc:
        # The warm job rewrites the newest shares from the database within
        # TRACKING_WARM_INTERVAL; older entries expire after TRACKING_SHARED_CACHE_TTL.
        log.error("redirect target cache not cleared, Redis unavailable: %s", exc)
    from advocacy.tracking import fastpath

    state = app.extensions.get(fastpath.EXTENSION)
    if state is not None:  # this process's own cache: at once
        state.cache.forget(pending["posts"], pending["tokens"], pending["all"])


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


_installed = False


def install() -> None:
    """Hook every SQLAlchemy session once (idempotent)."""
    global _installed
    if _installed:
        return
    from sqlalchemy.orm import Session

    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "do_orm_execute", _bulk)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed = True
