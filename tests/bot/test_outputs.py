"""Messages the bot sends on its own: routed by channel, or kept pending for channels without push."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.messages import BotMessage, UserMessage
from bot.outputs import CollectingOutput, OutputRegistry
from bot.service import Service
from tests.conftest import pending, say


def test_registry_routes_by_channel_and_falls_back() -> None:
    telegram, fallback = CollectingOutput(), CollectingOutput()
    outputs = OutputRegistry(fallback=fallback.send)
    outputs.register("telegram", telegram.send)
    message = BotMessage("42", "Dạ, em xin báo ...")
    asyncio.run(outputs.send("telegram", "42", [message]))
    asyncio.run(outputs.send("zalo", "7", [message]))
    asyncio.run(outputs.send(None, "8", [message]))
    assert telegram.sent == [("42", message)]
    assert [recipient for recipient, _ in fallback.sent] == ["7", "8"]
    assert outputs.channels() == ["telegram"]


def test_a_failing_sender_raises_so_the_caller_can_retry() -> None:
    async def broken(recipient_id: str, messages: list[BotMessage]) -> None:
        raise ConnectionError("telegram down")

    outputs = OutputRegistry(fallback=CollectingOutput().send)
    outputs.register("telegram", broken)
    with pytest.raises(ConnectionError):
        asyncio.run(outputs.send("telegram", "42", [BotMessage("42", "x")]))


def test_pending_messages_are_delivered_once(client: TestClient, service: Service) -> None:
    user = f"pending-{uuid.uuid4().hex[:8]}"
    say(client, user, "xin chào")
    alert = BotMessage(user, "Dạ, em xin báo: hồ sơ ... vừa chuyển sang tình trạng \"Đã có kết quả\".",
                       [{"title": "Tra cứu hồ sơ khác", "payload": "/check_dossier_status"}])
    asyncio.run(service.agent.push_pending(user, [alert]))
    assert pending(client, user) == [alert.as_rest()]
    assert pending(client, user) == []
    assert all("Đã có kết quả" not in (r.get("text") or "") for r in say(client, user, "cảm ơn"))


def test_pending_messages_come_first_in_the_next_reply(service: Service) -> None:
    user = f"pending-{uuid.uuid4().hex[:8]}"
    asyncio.run(service.agent.push_pending(user, [BotMessage(user, "Dạ, tin báo thứ nhất"), BotMessage(user, "Dạ, thứ hai")]))
    replies = asyncio.run(service.agent.handle(UserMessage(text="cảm ơn", sender_id=user)))
    assert [r.text for r in replies[:2]] == ["Dạ, tin báo thứ nhất", "Dạ, thứ hai"]
    assert "không có gì" in (replies[2].text or "")
    again = asyncio.run(service.agent.handle(UserMessage(text="cảm ơn", sender_id=user)))
    assert len(again) == 1


def test_pending_messages_are_masked_when_stored(service: Service) -> None:
    user = f"pending-{uuid.uuid4().hex[:8]}"
    asyncio.run(service.agent.push_pending(user, [BotMessage(user, "Dạ, số 0912345678 đã được ghi nhận")]))
    (message,) = asyncio.run(service.agent.take_pending(user))
    assert message.text == "Dạ, số ******5678 đã được ghi nhận"
