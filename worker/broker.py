"""Broker resilience: a worker that loses Redis mid-task keeps running and loses nothing.

kombu 5.7 (the newest release, also 5.3–5.6) crashes a worker for good when the broker
connection drops while a task is unacknowledged: Celery's consumer collects the dead
connection (`Connection._do_close_transport()` sets `transport.client = None`), then
closing the channel restores the unacknowledged messages, which needs a Redis client, whose
pool is rebuilt from `transport.client.hostname`, and raises
``AttributeError: 'NoneType' object has no attribute 'hostname'`` — not a connection error,
so Celery treats it as fatal. (Reproduced in tests/worker/test_broker_resilience.py; same
traceback shape as celery/kombu#582 and #970.)

`install()` makes a channel remember the connection parameters it last used, so that
restore still reaches Redis (the messages go back to their queue at once instead of after
the one-hour visibility timeout) and, when Redis is still down, fails with a
`redis.ConnectionError`, which Celery handles by reconnecting.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = False


def install() -> None:
    """Patch kombu's Redis channel once per process (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import redis
    from kombu.transport import redis as kombu_redis

    original = kombu_redis.Channel._connparams

    def _connparams(self: Any, asynchronous: bool = False) -> dict:
        saved = self.__dict__.setdefault("_advocacy_connparams", {})
        transport = self.connection
        if transport is not None and getattr(transport, "client", None) is not None:
            params = original(self, asynchronous)
            saved[asynchronous] = dict(params)
            return params
        remembered = saved.get(asynchronous) or saved.get(not asynchronous)
        if remembered is None:
            raise redis.exceptions.ConnectionError("the broker connection is already closed")
        return dict(remembered)

    _connparams.__wrapped__ = original  # type: ignore[attr-defined]
    kombu_redis.Channel._connparams = _connparams  # type: ignore[method-assign]  # the patch
    _INSTALLED = True
