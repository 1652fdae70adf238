"""Staff replies reach the citizen on their own channel: Zalo (a local fake of the OA API) at once,
REST as a pending message its client fetches; both are kept in the conversation's record."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.messages import UserMessage
from bot.service import Service
from bot.settings import ChannelsSettings, Settings, ZaloSettings
from console.staff import StaffStore
from tests.channels.fakes import FakeZalo
from tests.console.conftest import log_in, new_staff
from tests.servers import ServerThread, wait_for


@pytest.fixture(scope="module")
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo()
    with ServerThread(fake.app) as server:
        fake.base_url = server.url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture(scope="module")
def zalo_app(open_settings: Settings, open_service: Service, fake_zalo: FakeZalo) -> Iterator[TestClient]:
    base = fake_zalo.base_url  # type: ignore[attr-defined]
    zalo = ZaloSettings(
        app_id="3482178216594085616",
        oa_secret_key="oa-secret-key-for-tests",
        app_secret_key="app-secret",
        access_token="token-1",
        api_base_url=base,
        oauth_url=f"{base}/v4/oa/access_token",
        retry_base_seconds=0.01,
    )
    configured = open_settings.model_copy(update={"channels": ChannelsSettings(zalo=zalo)})
    with TestClient(create_app(configured, open_service)) as client:
        yield client


def handed_over(service: Service, sender: str, channel: str) -> int:
    asyncio.run(service.agent.handle(UserMessage("cho tôi gặp cán bộ", sender, input_channel=channel)))
    handoff = service.handoff.store.open_for(sender)  # type: ignore[union-attr]
    assert handoff is not None and handoff.channel == channel
    return handoff.id


def test_a_reply_reaches_a_zalo_citizen_and_is_recorded(
    zalo_app: TestClient, open_service: Service, staff_store: StaffStore, fake_zalo: FakeZalo
) -> None:
    user_id = str(random.randint(10**15, 10**16 - 1))
    sender = f"zalo:{user_id}"
    handoff = handed_over(open_service, sender, "zalo")
    name = new_staff(staff_store)
    csrf = {"X-CSRF-Token": log_in(zalo_app, name)}
    assert zalo_app.post(f"/console/api/handoffs/{handoff}/take", headers=csrf).status_code == 200
    reply = zalo_app.post(
        f"/console/api/handoffs/{handoff}/reply", json={"text": "Dạ em nghe ạ"}, headers=csrf
    )
    assert reply.status_code == 200, reply.text
    assert wait_for(lambda: f"Cán bộ {name}: Dạ em nghe ạ" in fake_zalo.sent_texts(user_id))
    said = [
        e.get("text") for e in open_service.agent.store.retrieve(sender).events if e.get("event") == "bot"
    ]
    assert f"Cán bộ {name}: Dạ em nghe ạ" in said
    # Replying to a conversation one does not hold is refused.
    other = new_staff(staff_store)
    zalo_app.cookies.clear()
    other_csrf = {"X-CSRF-Token": log_in(zalo_app, other)}
    refused = zalo_app.post(
        f"/console/api/handoffs/{handoff}/reply", json={"text": "xin chào"}, headers=other_csrf
    )
    assert refused.status_code == 409
    assert zalo_app.post(f"/console/api/handoffs/{handoff}/close", headers=other_csrf).status_code == 409


def test_a_reply_to_a_rest_citizen_waits_until_its_client_fetches_it(
    open_app_client: TestClient, open_service: Service, staff_store: StaffStore
) -> None:
    sender = f"rest-deliver-{uuid.uuid4().hex[:8]}"
    first = open_app_client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": "cho tôi gặp cán bộ"}
    )
    secret = {"X-Dvcbot-Sender-Secret": first.headers["X-Dvcbot-Sender-Secret"]}
    handoff = open_service.handoff.store.open_for(sender)  # type: ignore[union-attr]
    assert handoff is not None
    open_app_client.cookies.clear()
    csrf = {"X-CSRF-Token": log_in(open_app_client, new_staff(staff_store))}
    assert open_app_client.post(f"/console/api/handoffs/{handoff.id}/take", headers=csrf).status_code == 200
    assert (
        open_app_client.post(
            f"/console/api/handoffs/{handoff.id}/reply", json={"text": "Em chào anh"}, headers=csrf
        ).status_code
        == 200
    )
    fetched = open_app_client.get(f"/webhooks/rest/pending/{sender}", headers=secret).json()
    assert [m["text"] for m in fetched][-1].endswith(": Em chào anh")
    assert open_app_client.get(f"/webhooks/rest/pending/{sender}", headers=secret).json() == []  # once
    bad = open_app_client.post(
        f"/console/api/handoffs/{handoff.id}/reply", json={"text": "   "}, headers=csrf
    )
    assert bad.status_code == 422 and "error" in bad.json()
