"""The logging configuration (advocacy/logs.py): one line per event with the request id,
JSON when asked for. Run in a child process, as gunicorn runs the app: the configuration is
process-wide and pytest's own log capture must stay untouched here."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - runs our own interpreter on a fixed script
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import logging, sys
from advocacy import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x" * 32,
                  "REDIS_URL": "redis://127.0.0.1:1/0"})

@app.get("/say")
def say():
    logging.getLogger("advocacy.example").info("hello from a view")
    app.logger.warning("and from the app's logger")
    return "ok"

client = app.test_client()
for rid in sys.argv[2:]:
    response = client.get("/say", headers={"X-Request-ID": rid} if rid != "none" else {})
    print(response.headers["X-Request-ID"], flush=True)
logging.getLogger("advocacy.example").info("outside any request")
"""


def run(tmp_path, fmt: str, *ids: str) -> tuple[list[str], list[str]]:
    env = {**os.environ, "LOG_FORMAT": fmt, "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT),
           "ADVOCACY_INSTANCE": str(tmp_path / "instance")}
    env.pop("LOG_CONFIG", None)
    done = subprocess.run(  # nosec B603
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'logs.db'}", *ids],
        capture_output=True, text=True, env=env, timeout=60, check=True)
    lines = [line for line in done.stderr.splitlines()
             if "hello" in line or "app's logger" in line or "outside" in line]
    return done.stdout.split(), lines


def test_text_lines_carry_the_request_id_the_proxy_sent_or_a_new_one(tmp_path):
    sent = "proxy-id-12345678"
    answered, lines = run(tmp_path, "text", sent, "none", "bad id with spaces")
    assert answered[0] == sent
    assert answered[1] != answered[2] and len(answered[1]) == 32 and len(answered[2]) == 32
    assert "bad" not in answered[2]
    # two lines per request (a module logger and the app's), once each, then one outside
    assert len(lines) == 7, lines
    assert f"INFO advocacy.example [{sent}] hello from a view" in lines[0]
    assert f"WARNING advocacy [{sent}] and from the app's logger" in lines[1]
    assert f"[{answered[1]}] hello" in lines[2] and f"[{answered[2]}] hello" in lines[4]
    assert lines[6].endswith("advocacy.example [-] outside any request")


def test_json_lines_are_one_object_per_event(tmp_path):
    answered, lines = run(tmp_path, "json", "proxy-id-abcdefgh")
    events = [json.loads(line) for line in lines]
    assert events[0]["message"] == "hello from a view"
    assert events[0]["request_id"] == answered[0] == "proxy-id-abcdefgh"
    assert events[0]["level"] == "INFO" and events[0]["logger"] == "advocacy.example"
    assert "time" in events[0]
    assert events[-1]["request_id"] == "-"


def test_every_response_names_its_request_id(client):
    first = client.get("/livez").headers["X-Request-ID"]
    second = client.get("/livez").headers["X-Request-ID"]
    assert first != second
    assert client.get("/livez", headers={"X-Request-ID": "lb-0123456789"}) \
        .headers["X-Request-ID"] == "lb-0123456789"
