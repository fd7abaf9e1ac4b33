"""The Celery app: `celery -A worker worker` and `celery -A worker beat`.

Built from the same create_app() configuration as the web tier, so REDIS_URL and
DATABASE_URL mean the same thing everywhere. `celery` and `app` are the same Celery
instance (Celery's `-A worker` looks for `app` first); the Flask app is `flask_app`.
All three are made on first access (`from worker import celery`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import setup_logging, worker_process_init
from flask import Flask, has_app_context

from advocacy import create_app
from worker.schedule import SCHEDULE


def make_celery(flask_app: Flask) -> Celery:
    """A Celery app whose tasks run inside `flask_app`'s app context."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # A caller that already holds an app context (a test, a CLI command) keeps it.
            if has_app_context():
                return self.run(*args, **kwargs)
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    from worker import broker

    broker.install()  # a lost broker connection mid-task must not end the worker
    config = flask_app.config
    celery_app = Celery("advocacy", task_cls=FlaskTask, set_as_current=True)
    celery_app.conf.update(
        broker_url=config["REDIS_URL"],
        result_backend=config["REDIS_URL"],
        result_expires=24 * 3600,
        # JSON only: a pickle payload from the broker would run code in the worker.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        # A task is acknowledged when it has finished, so a crashed worker's task runs again;
        # one message at a time keeps long tasks from holding others hostage.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_track_started=False,
        broker_connection_retry_on_startup=True,
        # Retries wait at most ten minutes, well under Redis' one-hour visibility timeout,
        # so a delayed retry is never delivered twice.
        broker_transport_options={"visibility_timeout": 3600},
        timezone="UTC",
        enable_utc=True,
        beat_schedule=SCHEDULE,
        beat_schedule_filename=str(Path(config["INSTANCE_DIR"]) / "celerybeat-schedule"),
        include=["worker.tasks", "worker.reminder_tasks", "worker.privacy_tasks",
                 "worker.recruitment_tasks"],
    )
    _register_renamed(celery_app)
    flask_app.extensions["celery"] = celery_app
    return celery_app


def _register_renamed(celery_app: Celery) -> None:
    """A message sent under a task's old name (advocacy.tasknames.RENAMED) is passed on under
    the new one, so work already waiting in Redis during an upgrade is not lost."""
    from advocacy.tasknames import RENAMED

    for old, new in RENAMED.items():
        def forward(*args: Any, _new: str = new, **kwargs: Any) -> str:
            return celery_app.send_task(_new, args=args, kwargs=kwargs).id

        celery_app.task(name=old, acks_late=True)(forward)


@setup_logging.connect
def _logging(**_kwargs: Any) -> None:
    """Celery uses our configuration (advocacy/logs.py) instead of replacing the root logger's."""
    from advocacy import logs

    logs.configure()


# Declared only: `_build` binds them on first access (through `__getattr__` below).
flask_app: Flask
celery: Celery
app: Celery


def _build() -> None:
    global flask_app, celery, app
    if "celery" not in globals():
        flask_app = create_app()
        celery = app = make_celery(flask_app)


def __getattr__(name: str) -> Any:
    """Built on first use, so that `python -m worker.launch` does not build an app it never uses."""
    if name in {"celery", "app", "flask_app"}:
        _build()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@worker_process_init.connect
def _fresh_connections(**_kwargs: Any) -> None:
    """A forked pool process must not reuse the parent's database connections."""
    from advocacy.extensions import db

    with __getattr__("flask_app").app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
