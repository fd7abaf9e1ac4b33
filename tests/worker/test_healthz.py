"""Liveness (/healthz, /livez) answers while the web process does; readiness (/readyz) checks
the database and the broker, so an orchestrator restarts only what is broken."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_REDIS_URL, make_app
from tests.worker.conftest import free_port


@pytest.mark.parametrize("path", ["/healthz", "/livez"])
def test_liveness_is_200_even_when_the_broker_is_down(app, client, monkeypatch, path):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_is_ok_when_database_and_broker_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", TEST_REDIS_URL)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_readiness_is_503_when_the_broker_is_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "broker": "down"}


def test_readiness_is_503_when_the_database_is_down():
    """A real PostgreSQL URL on a port where nothing listens: refused, so "down"."""
    dead = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    client = dead.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down", "broker": "ok"}
    # liveness does not ask the database at all
    assert client.get("/livez").status_code == 200
