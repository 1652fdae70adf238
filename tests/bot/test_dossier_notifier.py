"""Status alerts for a one-stop system that does not push: the poller sees the change via the client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from bot.dossier_notifier import DossierNotifier
from bot.messages import BotMessage
from bot.outputs import CollectingOutput, OutputRegistry
from knowledge.dossier.http_client import HttpClientOptions, HttpDossierStatusClient
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.reference_service import create_dossier_service_app, seed_demo_dossiers
from knowledge.dossier.settings import REFERENCE_FIELDS, REFERENCE_STATUSES
from knowledge.dossier.subscriptions import SqlSubscriptionStore
from tests.servers import ServerThread

KEY = "poll-key"
CODE = "000.00.15.H29-250301-0001"  # a demo dossier, just received


def memory_engine() -> Engine:
    """One in-memory SQLite database shared by every thread (the notifier reads from worker threads)."""
    return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)


@pytest.fixture
def one_stop() -> Iterator[str]:
    engine = memory_engine()
    seed_demo_dossiers(engine)
    with ServerThread(create_dossier_service_app(engine=engine, api_key=KEY)) as server:
        yield server.url


def test_polling_tells_each_change_once_on_the_subscribers_channel(one_stop: str) -> None:
    client = HttpDossierStatusClient(
        HttpClientOptions(base_url=one_stop, api_key=KEY), FieldMapping(fields=REFERENCE_FIELDS, statuses=REFERENCE_STATUSES)
    )
    subscriptions = SqlSubscriptionStore(memory_engine())
    zalo, pending = CollectingOutput(), CollectingOutput()
    outputs = OutputRegistry(fallback=pending.send)
    flaky = {"down": True}

    async def zalo_send(recipient_id: str, messages: list[BotMessage]) -> None:
        if flaky["down"]:
            raise ConnectionError("zalo down")
        await zalo.send(recipient_id, messages)

    outputs.register("zalo", zalo_send)
    notifier = DossierNotifier(client=client, subscriptions=subscriptions, outputs=outputs, hotline="1900")
    subscriptions.subscribe(code=CODE, sender_id="zalo-user", channel="zalo", last_status="received")
    subscriptions.subscribe(code=CODE, sender_id="rest-user", channel="rest", last_status="received")

    assert asyncio.run(notifier.poll_once()) == 0  # nothing changed yet
    with httpx.Client(base_url=one_stop, headers={"X-API-Key": KEY}) as http:
        http.patch(f"/api/dossiers/{CODE}", json={"trangThai": "CHO_BO_SUNG", "noiDungBoSung": ["Sổ BHXH"]})
    assert asyncio.run(notifier.poll_once()) == 1  # Zalo is down: only the REST user is told
    assert [r for r, _ in pending.sent] == ["rest-user"] and zalo.sent == []
    flaky["down"] = False
    assert asyncio.run(notifier.poll_once()) == 1  # the Zalo user is told on the next poll
    (recipient, message), = zalo.sent
    assert recipient == "zalo-user" and message.text is not None
    assert '"Chờ bổ sung hồ sơ"' in message.text and "- Sổ BHXH" in message.text
    assert asyncio.run(notifier.poll_once()) == 0  # told once
    with httpx.Client(base_url=one_stop, headers={"X-API-Key": KEY}) as http:
        http.patch(f"/api/dossiers/{CODE}", json={"trangThai": "TU_CHOI", "lyDoTuChoi": "Không đủ điều kiện"})
    assert asyncio.run(notifier.poll_once()) == 2
    assert subscriptions.active_codes() == []  # a final status ends the alerts
