"""One logging configuration for the web tier, the worker and beat.

`configure()` installs it with `logging.config.dictConfig`: one handler on the root logger,
writing one line per event to stderr, where gunicorn, Celery and `make run` collect it.
Each line carries the request id (`X-Request-ID` from the proxy when it is a sane value,
else a new one, sent back on the response) or, in the worker, the task id. `LOG_FORMAT=json`
writes each event as one JSON object (python-json-logger) for a log collector;
`LOG_LEVEL` sets the level (INFO by default).

The Flask app installs it when it is created, unless the app is under test (pytest's own
capture stays in charge) or LOG_CONFIG=0 (an embedding application keeps its own). Celery
is told not to replace it (`setup_logging` signal, worker/__init__.py). README "Logs".
"""

from __future__ import annotations

import logging
import logging.config
import os
import re
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def request_id() -> str:
    """This request's id: the proxy's X-Request-ID when sane, else one of our own."""
    rid = g.get("request_id")
    if rid is None:
        offered = request.headers.get(HEADER, "")
        rid = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_id = rid
    return rid


class ContextFilter(logging.Filter):
    """Adds `request_id` to every record: the request's, the Celery task's, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current_id()
        return True


def _current_id() -> str:
    if has_request_context():
        return request_id()
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return "-"
    task = current_task
    task_id = getattr(getattr(task, "request", None), "id", None) if task else None
    return f"task:{task_id}" if task_id else "-"


def config_dict(*, fmt: str | None = None, level: str | None = None) -> dict:
    fmt = (fmt or os.environ.get("LOG_FORMAT", "text")).lower()
    level = (level or os.environ.get("LOG_LEVEL", "INFO")).upper()
    formatter = ({"()": "pythonjsonlogger.json.JsonFormatter", "format": JSON_FIELDS,
                  "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}
                 if fmt == "json" else {"format": TEXT_FORMAT})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"line": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "line", "filters": ["context"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        # Flask's own handler would print a second, differently formatted line.
        "loggers": {"advocacy": {"level": level, "handlers": [], "propagate": True}},
    }


def configure(*, fmt: str | None = None, level: str | None = None) -> None:
    logging.config.dictConfig(config_dict(fmt=fmt, level=level))


def init_app(app: Flask) -> None:
    if not app.testing and os.environ.get("LOG_CONFIG", "1") != "0":
        configure()
    app.logger.handlers.clear()  # records go to the root handler, once

    @app.after_request
    def _send_request_id(response):
        response.headers.setdefault(HEADER, request_id())
        return response
