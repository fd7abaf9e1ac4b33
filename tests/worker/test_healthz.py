"""/healthz says 503 when the broker is down, so a load balancer stops sending traffic."""

from __future__ import annotations

from tests.conftest import TEST_REDIS_URL
from tests.worker.conftest import free_port


def test_healthz_is_ok_when_database_and_broker_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", TEST_REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "broker": "down"}
