"""Request bodies over the cap are refused before they are read, declared or streamed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.api.app import create_app
from bot.service import Service
from bot.settings import Settings
from tests.servers import ServerThread

CAP = 256 * 1024


@pytest.fixture(scope="module")
def server(settings: Settings, service: Service) -> Iterator[ServerThread]:
    assert settings.server.max_body_bytes == CAP
    with ServerThread(create_app(settings, service)) as running:
        yield running


def test_a_declared_body_over_the_cap_gets_413(server: ServerThread) -> None:
    body = b'{"sender": "big", "message": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    response = httpx.post(f"{server.url}/webhooks/rest/webhook", content=body,
                          headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == {"error": f"request body over {CAP} bytes"}


def test_a_streamed_body_over_the_cap_gets_413(server: ServerThread) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"sender": "big", "message": "'
        for _ in range(64):
            yield b"a" * 16 * 1024
        yield b'"}'

    response = httpx.post(f"{server.url}/model/parse", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_body_under_the_cap_is_served(server: ServerThread) -> None:
    response = httpx.post(f"{server.url}/model/parse", json={"text": "lệ phí cấp giấy phép lao động " * 100})
    assert response.status_code == 200 and response.json()["intent"]["name"] == "ask_fee"
