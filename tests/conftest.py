"""Shared fixtures: one trained assistant per test session on a temporary SQLite database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service, build_service
from bot.settings import Settings, load_settings
from channels.rest import SENDER_SECRET_HEADER


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dvcbot")


@pytest.fixture(scope="session")
def settings(workdir: Path) -> Settings:
    database = f"sqlite:///{workdir / 'dvcbot.db'}"
    settings = load_settings(
        stores={"tracker_url": database, "catalogue_url": database},
        model={"dir": str(workdir / "models")},
    )
    # Every test user of the shared TestClient comes from one address ("testclient"): as many people
    # behind one office's NAT, not one person, so the per-address lookup limit is lifted here
    # (tests/knowledge/test_dossier_limits.py and the lock-out conversations check it).
    # The same for the per-address request limit (tests/bot/test_address_limit.py checks it).
    limits = settings.dossier.limits.model_copy(update={"lookups_per_client": 100_000})
    server = settings.server.model_copy(
        update={"requests_per_minute_per_address": 1_000_000, "request_burst_per_address": 1_000_000}
    )
    return settings.model_copy(
        update={"dossier": settings.dossier.model_copy(update={"limits": limits}), "server": server}
    )


@pytest.fixture(scope="session")
def service(settings: Settings) -> Service:
    return build_service(settings)


@pytest.fixture(scope="session")
def client(settings: Settings, service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(settings, service)) as test_client:
        yield test_client


# The secret each REST sender got on its first turn, sent back as a REST client keeps it.
_SENDER_SECRETS: dict[str, str] = {}


def secret_headers(sender: str) -> dict[str, str]:
    """The ``X-Dvcbot-Sender-Secret`` header of a sender that ``say`` started, else none."""
    secret = _SENDER_SECRETS.get(sender)
    return {SENDER_SECRET_HEADER: secret} if secret else {}


def say(client: TestClient, sender: str, text: str) -> list[dict[str, Any]]:
    response = client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": text}, headers=secret_headers(sender)
    )
    assert response.status_code == 200, response.text
    if SENDER_SECRET_HEADER in response.headers:
        _SENDER_SECRETS[sender] = response.headers[SENDER_SECRET_HEADER]
    replies: list[dict[str, Any]] = response.json()
    return replies


def pending(client: TestClient, sender: str) -> list[dict[str, Any]]:
    """``GET /webhooks/rest/pending/{sender}`` as the conversation's own client."""
    response = client.get(f"/webhooks/rest/pending/{sender}", headers=secret_headers(sender))
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()
    return messages


def joined(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def conversation_replies(client: TestClient, *messages: str) -> list[str]:
    """Each turn's replies joined, for ``messages`` sent over REST from one fresh sender."""
    sender = f"talk-{uuid.uuid4().hex[:8]}"
    return [joined(say(client, sender, message)) for message in messages]


def rest_texts(client: TestClient, *messages: str) -> list[str]:
    """What the REST channel answers to the last of ``messages`` from a fresh sender, as texts:
    the reference the other channels are compared with."""
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    texts: list[str] = []
    for message in messages:
        texts = [r.get("text") or "" for r in say(client, sender, message)]
    return texts
