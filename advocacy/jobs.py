"""enqueue(name, *args): send a Celery task only once the database transaction has committed.

A worker that picks up a job must find the rows the job is about, and a job must not run
for work that was rolled back (warehouse's `_after_commit_hook`). So enqueue() notes
the job with `advocacy.aftercommit.after_commit`: it goes to the broker once the transaction
commits and is dropped when the transaction (or the savepoint it was noted in) rolls back.

The web tier never imports `worker/` (that would create the app twice and import every
task); it sends by task name through a small Celery client on REDIS_URL.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from celery import Celery
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from advocacy.aftercommit import after_commit, waiting

log = logging.getLogger(__name__)

_CLIENT = "advocacy.jobs.client"


@dataclass(frozen=True)
class _Job:
    name: str
    args: list[Any]

    def __call__(self) -> None:
        _send(self.name, self.args)


def enqueue(name: str, *args: Any) -> None:
    """Send task `name` with JSON `args` (ids, ISO dates) after the current transaction commits."""
    try:
        json.dumps(args)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"job {name!r}: arguments must be JSON (ids, not objects)") from exc
    after_commit(_Job(name, list(args)))


def pending(session: Session | None = None) -> list[tuple[str, list[Any]]]:
    """The jobs waiting for the current transaction to commit (for tests and debugging)."""
    return [(job.name, job.args) for job in waiting(session) if isinstance(job, _Job)]


def _client(app) -> Celery:
    """A publish-only Celery app on REDIS_URL, made once per app and broker URL."""
    url = app.config["REDIS_URL"]
    cached = app.extensions.get(_CLIENT)
    if cached is not None and cached[0] == url:
        return cached[1]
    client = Celery("advocacy-client", broker=url, set_as_current=False)
    client.conf.update(
        task_serializer="json",
        accept_content=["json"],
        # A dead broker costs a request about a second, not a hang.
        broker_connection_timeout=2,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.25,
            "interval_max": 0.5,
        },
    )
    app.extensions[_CLIENT] = (url, client)
    return client


def _send(name: str, args: list[Any]) -> None:
    if not has_app_context():
        log.error("job %s %r not sent: no application context", name, args)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    try:
        _client(app).send_task(name, args=args)
    except Exception:  # noqa: BLE001 - the data is committed; a lost job must not fail the request
        log.exception("job %s %r could not be sent to the broker", name, args)
