"""Input that one store would take and another refuse gets a 4xx at the edge, on SQLite and PostgreSQL
alike, and no turn runs that could not be stored."""

from __future__ import annotations

import asyncio
import json
import math
import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.messages import UserMessage
from bot.service import Service, build_service
from bot.settings import Settings
from bot.storable import MAX_METADATA_BYTES, UnstorableMessage

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app_service(request: pytest.FixtureRequest, settings: Settings, service: Service) -> Iterator[tuple[TestClient, Service]]:
    if request.param == "sqlite":
        built = service
    else:
        if not POSTGRES:
            pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
        built = build_service(
            settings.model_copy(update={"stores": settings.stores.model_copy(
                update={"tracker_url": POSTGRES, "catalogue_url": POSTGRES})})
        )
    with TestClient(create_app(built.settings, built), raise_server_exceptions=False) as client:
        yield client, built


def post(client: TestClient, path: str, body: dict[str, Any]) -> httpx.Response:
    """POST ``body`` as JSON the way a lax client writes it: NaN and Infinity as bare words."""
    return client.post(path, content=json.dumps(body, allow_nan=True), headers={"content-type": "application/json"})


def sender() -> str:
    return f"bad-{uuid.uuid4().hex[:8]}"


def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"sender": "a\x00b", "message": "xin chào"}, "control character"),
        ({"sender": "a\nb", "message": "xin chào"}, "control character"),
        ({"message": "xin chào", "metadata": {"x": math.nan}}, "NaN or Infinity"),
        ({"message": "xin chào", "metadata": {"x": [1, math.inf]}}, "NaN or Infinity"),
        ({"message": "xin chào", "metadata": deep(6)}, "nested deeper"),
        ({"message": "xin chào", "metadata": {"x": "a" * MAX_METADATA_BYTES}}, "bytes, at most"),
    ],
    ids=["nul-sender", "newline-sender", "nan", "infinity", "deep", "big"],
)
def test_rest_refuses_what_a_store_cannot_keep(
    app_service: tuple[TestClient, Service], body: dict[str, Any], problem: str
) -> None:
    client, built = app_service
    user = body.get("sender") or sender()
    response = post(client, "/webhooks/rest/webhook", {"sender": user, **body})
    assert response.status_code == 422, response.text
    assert problem in str(response.json()["details"])
    if "\x00" not in user and "\n" not in user:
        assert built.agent.store.retrieve(user).events == []  # the turn never ran


def test_a_nul_in_the_text_is_answered_and_stored(app_service: tuple[TestClient, Service]) -> None:
    client, built = app_service
    user = sender()
    body = {"sender": user, "message": "\x00\x01\x02", "message_id": "m\x00", "metadata": {"k\x00": "v\x00"}}
    response = post(client, "/webhooks/rest/webhook", body)
    assert response.status_code == 200 and "chưa đọc được" in response.json()[0]["text"]
    (user_event,) = [e for e in built.agent.store.retrieve(user).events if e["event"] == "user"]
    assert user_event["text"] == "\x00\x01\x02" and user_event["metadata"] == {"k\x00": "v\x00"}


def test_ordinary_metadata_is_kept(app_service: tuple[TestClient, Service]) -> None:
    client, built = app_service
    user = sender()
    metadata = {"page": "/tthc/cap-giay-phep", "tỉnh": "Hà Nội", "n": 2.5, "tags": ["a", None, True]}
    assert client.post("/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn", "metadata": metadata}).status_code == 200
    (user_event,) = [e for e in built.agent.store.retrieve(user).events if e["event"] == "user"]
    assert user_event["metadata"] == metadata


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "f\x00", "rating": "up", "answer": "Dạ, hồ sơ gồm... \x00"},
        {"sender": "f", "rating": "up", "answer": "Dạ\x00"},
        {"sender": "f", "rating": "down", "answer": "Dạ", "question": "lệ phí\x00"},
    ],
    ids=["sender", "answer", "question"],
)
def test_feedback_refuses_nul_characters(app_service: tuple[TestClient, Service], body: dict[str, Any]) -> None:
    client, _ = app_service
    response = post(client, "/feedback", body)
    assert response.status_code == 422 and "contains a" in str(response.json()["details"])


def test_widget_refuses_nan_metadata(app_service: tuple[TestClient, Service]) -> None:
    client, _ = app_service
    web = "web-" + uuid.uuid4().hex
    nan = post(client, "/widget/messages", {"sender": web, "message": "xin chào", "metadata": {"x": math.nan}})
    assert nan.status_code == 422


def test_pending_refuses_a_control_character_in_the_sender(app_service: tuple[TestClient, Service]) -> None:
    client, _ = app_service
    response = client.get("/webhooks/rest/pending/a%00b", headers={"X-Dvcbot-Sender-Secret": "x"})
    assert response.status_code == 422 and "error" in response.json()


def test_the_core_runs_no_turn_it_could_not_store(app_service: tuple[TestClient, Service]) -> None:
    _, built = app_service
    user = sender()
    with pytest.raises(UnstorableMessage, match="NaN"):
        asyncio.run(built.agent.handle(UserMessage(text="hồ sơ 000.00.15.H29-240312-0042", sender_id=user,
                                                   metadata={"x": math.inf})))
    assert built.agent.store.retrieve(user).events == []
