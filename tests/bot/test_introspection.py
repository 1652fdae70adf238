"""What the service says about itself: the API description, the dossier count and the action list
are for developers — off in production unless ``server.introspection`` turns them on."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from actions.procedure import SupportLinks
from bot.api.app import create_app
from bot.dossier_setup import build_dossier_runtime
from bot.service import Service
from bot.settings import Settings
from knowledge.dossier.reference_service import create_dossier_service_app

TOKEN = "action-server-token-0123456789"
DESCRIBING = ("/docs", "/redoc", "/openapi.json", "/actions")


def configured(settings: Settings, *, environment: str, introspection: bool | None = None) -> Settings:
    server = settings.server.model_copy(update={"introspection": introspection})
    action_server = settings.action_server.model_copy(update={"token": TOKEN})
    return settings.model_copy(update={"environment": environment, "server": server, "action_server": action_server})


def statuses(settings: Settings, service: Service) -> dict[str, int]:
    with TestClient(create_app(settings, service)) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        return {path: client.get(path, headers=auth).status_code for path in DESCRIBING}


def test_production_does_not_describe_itself(settings: Settings, service: Service) -> None:
    assert statuses(configured(settings, environment="production"), service) == dict.fromkeys(DESCRIBING, 404)


def test_production_describes_itself_when_enabled(settings: Settings, service: Service) -> None:
    shown = statuses(configured(settings, environment="production", introspection=True), service)
    assert shown == dict.fromkeys(DESCRIBING, 200)


def test_development_describes_itself_unless_disabled(settings: Settings, service: Service) -> None:
    assert statuses(configured(settings, environment="development"), service) == dict.fromkeys(DESCRIBING, 200)
    hidden = statuses(configured(settings, environment="development", introspection=False), service)
    assert hidden == dict.fromkeys(DESCRIBING, 404)


def test_production_action_server_still_runs_actions(settings: Settings, service: Service) -> None:
    with TestClient(create_app(configured(settings, environment="production"), service)) as client:
        response = client.post(
            "/webhook", json={"next_action": "action_no_such_thing", "tracker": {}},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 404 and response.json()["action_name"] == "action_no_such_thing"


@pytest.mark.parametrize("introspection", [False, True])
def test_the_dossier_service_hides_its_count_and_description(tmp_path: Path, introspection: bool) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'dossiers.db'}")
    app = create_dossier_service_app(engine=engine, api_key="k" * 24, introspection=introspection)
    with TestClient(app) as client:
        expected = 200 if introspection else 404
        assert {p: client.get(p).status_code for p in ("/health", "/docs", "/openapi.json")} == dict.fromkeys(
            ("/health", "/docs", "/openapi.json"), expected
        )
        assert client.get("/api/dossiers/X").status_code == 401  # the API itself stays


def test_the_embedded_dossier_service_follows_the_setting(settings: Settings, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    links = SupportLinks(hotline="1800", portal_search_url="https://example.gov.vn")
    for environment, expected in (("production", 404), ("development", 200)):
        runtime = build_dossier_runtime(
            configured(settings, environment=environment), engine=engine, reference_engine=engine, links=links
        )
        assert runtime.reference_app is not None
        with TestClient(runtime.reference_app) as client:
            assert client.get("/health").status_code == expected
