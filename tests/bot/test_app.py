"""The app's lifecycle: warmed up before it serves, ``/health`` ``ok`` only then."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import Settings


def test_health_says_starting_until_the_service_is_warm(settings: Settings, service: Service) -> None:
    app = create_app(settings, service)
    before = TestClient(app).get("/health")  # no lifespan: nothing warmed up yet
    assert before.status_code == 503 and before.json() == {"status": "starting"}
    assert before.headers["Retry-After"] == "1"
    with TestClient(app) as client:
        after = client.get("/health")
        assert after.status_code == 200 and after.json()["status"] == "ok"
