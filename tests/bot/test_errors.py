"""Internal errors over a real HTTP server: a JSON 500/503 that keeps the kept-alive connection."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bot.agent import Agent
from bot.api.app import create_app
from bot.api.errors import CHAT_UNAVAILABLE
from bot.events import Event
from bot.service import Service
from bot.settings import Settings
from bot.tracker import DialogueStateTracker
from knowledge.dossier.reference_service import create_dossier_service_app
from tests.servers import ServerThread, closed_port_url

BROKEN_WIDGET_SENDER = "web-" + "b" * 32


class FailingStore:
    """The real tracker store, except for senders named ``broken-*`` (a bug) or ``down-*`` (database down)."""

    def __init__(self, store: object) -> None:
        self._store = store

    def _check(self, sender_id: str) -> None:
        if sender_id.startswith(("broken-", BROKEN_WIDGET_SENDER)):
            raise RuntimeError("a bug in the store")
        if sender_id.startswith("down-"):
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    def retrieve(self, sender_id: str) -> DialogueStateTracker:
        self._check(sender_id)
        return self._store.retrieve(sender_id)  # type: ignore[attr-defined, no-any-return]

    def append(self, sender_id: str, events: list[Event], *, fence: int | None = None) -> None:
        self._check(sender_id)
        self._store.append(sender_id, events, fence=fence)  # type: ignore[attr-defined]

    def save(self, tracker: DialogueStateTracker, new_events: list[Event], *, fence: int | None = None) -> None:
        self._check(tracker.sender_id)
        self._store.save(tracker, new_events, fence=fence)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def server(settings: Settings, service: Service) -> Iterator[ServerThread]:
    agent = service.agent
    failing = Agent(interpreter=agent.interpreter, domain=agent.domain, policy=agent.policy,
                    store=FailingStore(agent.store), actions=agent.actions, config=agent.config)
    with ServerThread(create_app(settings, dataclasses.replace(service, agent=failing))) as running:
        yield running


def local_port(response: httpx.Response) -> int:
    """The client-side port of the connection a response came on: same port, same connection."""
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def turn(client: httpx.Client, sender: str, text: str = "xin chào") -> httpx.Response:
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})


def test_an_internal_error_answers_json_500_and_keeps_the_connection(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, limits=httpx.Limits(max_connections=1)) as client:
        failed = turn(client, f"broken-{uuid.uuid4().hex[:8]}")
        port = local_port(failed)
        assert failed.status_code == 500
        assert failed.json()["error"].startswith("Dạ, hệ thống đang gặp sự cố")
        assert failed.headers.get("connection") != "close"
        good = turn(client, f"ok-{uuid.uuid4().hex[:8]}")
        assert good.status_code == 200 and good.json()[0]["text"]
        assert local_port(good) == port


def test_a_store_that_is_down_answers_503_with_retry_after(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, limits=httpx.Limits(max_connections=1)) as client:
        down = turn(client, f"down-{uuid.uuid4().hex[:8]}")
        port = local_port(down)
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert "tạm thời" in down.json()["error"]
        good = client.get("/health")
        assert good.status_code == 200 and local_port(good) == port


def test_a_widget_turn_and_a_history_read_fail_alike(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, limits=httpx.Limits(max_connections=1)) as client:
        chat = client.post("/widget/messages", json={"sender": BROKEN_WIDGET_SENDER, "message": "xin chào"})
        port = local_port(chat)
        assert chat.status_code == 500 and chat.json()["error"].startswith("Dạ, hệ thống đang gặp sự cố")
        history = client.get(f"/widget/history?sender={BROKEN_WIDGET_SENDER}")
        assert history.status_code == 500 and history.json()["error"].startswith("Dạ, hệ thống đang gặp sự cố")
        assert local_port(history) == port
        assert client.get("/health").status_code == 200 and local_port(history) == port


def backend_down_app(tmp_path: Path) -> FastAPI:
    """The reference dossier service whose database has gone, and routes whose backend is down."""
    app = create_dossier_service_app(engine=create_engine(f"sqlite:///{tmp_path / 'd.db'}"), api_key=KEY)
    app.state.engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'd.db'}")  # cannot be opened

    @app.get("/behind-proxy")
    async def behind_proxy() -> None:
        request = httpx.Request("GET", "http://backend.internal/x")
        response = httpx.Response(502, text="<html>502 Bad Gateway</html>", request=request)
        response.raise_for_status()

    @app.get("/refused")
    async def refused() -> None:
        async with httpx.AsyncClient() as http:
            await http.get(closed_port_url())

    return app


KEY = "dossier-key-0123456789"


def test_a_backend_that_is_down_answers_vietnamese_503_with_retry_after(tmp_path: Path) -> None:
    with ServerThread(backend_down_app(tmp_path)) as down, httpx.Client(
        base_url=down.url, limits=httpx.Limits(max_connections=1)
    ) as client:
        first = client.get("/api/dossiers/000.00.15.H29-240312-0042", headers={"X-API-Key": KEY})
        port = local_port(first)
        for response in (first, client.get("/behind-proxy"), client.get("/refused")):
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] and response.headers["content-type"] == "application/json"
            assert response.json() == {"error": CHAT_UNAVAILABLE}  # Vietnamese, whatever the endpoint
            assert local_port(response) == port

