"""Telegram: recorded updates in, the Bot API calls the bot made (to a local fake) out, in order."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from telegram import InlineKeyboardMarkup

from bot.api.app import create_app
from bot.messages import BotMessage
from bot.service import Service
from bot.settings import Settings, TelegramSettings
from channels.rate_limit import RateLimiter
from channels.telegram import PayloadCodes, TelegramChannel, build_application, render
from channels.texts import BUTTON_EXPIRED, RATE_LIMITED, TEMPORARY_ERROR, UNSUPPORTED_CONTENT
from tests.channels.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN, new_chat_id, payload, with_channels
from tests.channels.fakes import FakeTelegram
from tests.conftest import rest_texts, say
from tests.servers import wait_for

WEBHOOK = "/webhooks/telegram/webhook"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
_update_ids = iter(range(900_000_000, 999_999_999))


def update(name: str, chat_id: int, **message_fields: Any) -> dict[str, Any]:
    """A recorded update re-addressed to ``chat_id`` with a fresh ``update_id``."""
    data = payload(name)
    data["update_id"] = next(_update_ids)
    message = data.get("message") or data["callback_query"]["message"]
    message["chat"]["id"] = chat_id
    sender = data.get("message", data.get("callback_query", {})).get("from")
    if sender is not None:
        sender["id"] = chat_id
    if "callback_query" in data:
        data["callback_query"]["from"]["id"] = chat_id
    message.update(message_fields)
    return data


def post(client: TestClient, data: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return client.post(WEBHOOK, json=data, headers=HEADERS if headers is None else headers)


def replies_to(fake: FakeTelegram, chat_id: int, count: int) -> list[str]:
    assert wait_for(lambda: len(fake.sent_texts(chat_id)) >= count), fake.sent_texts(chat_id)
    time.sleep(0.05)  # nothing more should follow
    return fake.sent_texts(chat_id)



def test_text_message_gets_the_core_answer_after_a_typing_indicator(
    telegram_client: TestClient, fake_telegram: FakeTelegram, client: TestClient
) -> None:
    chat = new_chat_id()
    response = post(telegram_client, update("telegram_text.json", chat))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    expected = rest_texts(client, "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì")
    texts = replies_to(fake_telegram, chat, len(expected))
    assert texts == expected
    assert texts[0].startswith('Dạ, về thủ tục "Cấp giấy phép lao động đối với người lao động nước ngoài')
    calls = [c for c in fake_telegram.calls() if str(c.params.get("chat_id")) == str(chat)]
    assert [c.method for c in calls] == ["sendChatAction"] + ["sendMessage"] * len(expected)
    assert calls[0].params["action"] == "typing"
    assert json.loads(calls[1].params["link_preview_options"]) == {"is_disabled": True}


def test_start_and_help_reach_the_core(
    telegram_client: TestClient, fake_telegram: FakeTelegram, client: TestClient
) -> None:
    chat = new_chat_id()
    post(telegram_client, update("telegram_start.json", chat))
    greeting = rest_texts(client, "/greet")
    assert replies_to(fake_telegram, chat, len(greeting)) == greeting
    assert "trợ lý ảo" in greeting[0]
    post(telegram_client, update("telegram_help.json", chat))
    help_text = replies_to(fake_telegram, chat, len(greeting) + 1)[len(greeting):]
    assert help_text == rest_texts(client, "/bot_challenge")
    assert "trợ lý ảo (chatbot)" in help_text[0]


def test_buttons_become_an_inline_keyboard_and_a_click_sends_the_payload(
    telegram_client: TestClient, fake_telegram: FakeTelegram, client: TestClient
) -> None:
    chat = new_chat_id()
    post(telegram_client, update("telegram_text.json", chat, text="lĩnh vực nào có thủ tục"))
    replies_to(fake_telegram, chat, 1)
    (sent,) = [c for c in fake_telegram.calls("sendMessage") if int(c.params["chat_id"]) == chat]
    keyboard = json.loads(sent.params["reply_markup"])["inline_keyboard"]
    buttons = [row[0] for row in keyboard]
    rest_buttons = say(client, "rest-fields", "lĩnh vực nào có thủ tục")[0]["buttons"]
    assert [b["text"] for b in buttons] == [b["title"] for b in rest_buttons]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    chosen = next(b for b in buttons if b["text"].startswith("Người có công"))
    click = update("telegram_callback_query.json", chat, reply_markup={"inline_keyboard": keyboard})
    click["callback_query"]["data"] = chosen["callback_data"]
    assert post(telegram_client, click).status_code == 200
    expected = rest_texts(client, chosen["callback_data"])
    texts = replies_to(fake_telegram, chat, 1 + len(expected))
    assert texts[1:] == expected and "Người có công" in texts[1]
    answered = fake_telegram.calls("answerCallbackQuery")
    assert any(c.params["callback_query_id"] == click["callback_query"]["id"] for c in answered)
    service = telegram_client.app.state.service  # type: ignore[attr-defined]
    users = [e for e in service.agent.store.retrieve(f"telegram:{chat}").events if e["event"] == "user"]
    assert users[-1]["metadata"] == {"button_title": chosen["text"]}


def test_a_forgotten_short_code_is_answered_politely(telegram_client: TestClient, fake_telegram: FakeTelegram) -> None:
    chat = new_chat_id()
    click = update("telegram_callback_query.json", chat)
    click["callback_query"]["data"] = "#0123456789abcdef01234567"
    post(telegram_client, click)
    assert replies_to(fake_telegram, chat, 1) == [BUTTON_EXPIRED]


def test_long_payloads_travel_as_short_codes() -> None:
    codes = PayloadCodes()
    short = '/ask_fee{"procedure": "work_permit_issue"}'
    long = '/ask_processing_time{"procedure": "unemployment_benefit_settlement", "province": "Hà Nội"}'
    assert codes.encode(short) == short
    code = codes.encode(long)
    assert len(code.encode()) <= 64 and code != long
    assert codes.encode(long) == code  # the same payload, the same code
    assert codes.decode(code) == long and codes.decode(short) == short
    assert codes.decode("#ffffffffffffffffffffffff") is None
    assert codes.decode(codes.encode("#not-a-code")) == "#not-a-code"


def test_long_replies_are_split_under_4096_characters() -> None:
    paragraph = "Hồ sơ gồm: văn bản đề nghị, giấy khám sức khỏe, phiếu lý lịch tư pháp và ảnh màu. " * 12
    text = "\n\n".join([paragraph] * 10)
    buttons = [{"title": "Lệ phí", "payload": "/ask_fee"}]
    parts = render(BotMessage("u", text, buttons), PayloadCodes())
    assert len(parts) >= 3 and all(len(p.text) <= 4096 for p in parts)
    assert " ".join(" ".join(p.text for p in parts).split()) == " ".join(text.split())
    assert isinstance(parts[-1].keyboard, InlineKeyboardMarkup) and all(p.keyboard is None for p in parts[:-1])
    (only_buttons,) = render(BotMessage("u", None, buttons), PayloadCodes())
    assert only_buttons.text and only_buttons.keyboard is not None


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET + "x"}])
def test_forged_updates_get_403_and_no_reply(
    telegram_client: TestClient, fake_telegram: FakeTelegram, headers: dict[str, str]
) -> None:
    chat = new_chat_id()
    response = post(telegram_client, update("telegram_text.json", chat), headers=headers)
    assert response.status_code == 403 and "error" in response.json()
    time.sleep(0.2)
    assert fake_telegram.sent_texts(chat) == []


def test_a_redelivered_update_is_answered_once(
    telegram_client: TestClient, fake_telegram: FakeTelegram, client: TestClient
) -> None:
    chat = new_chat_id()
    data = update("telegram_text.json", chat, text="xin chào")
    assert post(telegram_client, data).json() == {"status": "ok"}
    assert post(telegram_client, data).json() == {"status": "duplicate"}
    expected = rest_texts(client, "xin chào")
    replies_to(fake_telegram, chat, len(expected))
    time.sleep(0.2)
    assert fake_telegram.sent_texts(chat) == expected


def test_a_photo_gets_a_polite_text_only_reply(telegram_client: TestClient, fake_telegram: FakeTelegram) -> None:
    chat = new_chat_id()
    post(telegram_client, update("telegram_photo.json", chat))
    assert replies_to(fake_telegram, chat, 1) == [UNSUPPORTED_CONTENT]


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "7"}'])
def test_malformed_updates_get_400(telegram_client: TestClient, body: bytes) -> None:
    response = telegram_client.post(WEBHOOK, content=body, headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400 and "error" in response.json()


def test_over_the_rate_limit_gets_a_polite_reply_and_no_turn(
    telegram_client: TestClient, fake_telegram: FakeTelegram, client: TestClient
) -> None:
    chat = new_chat_id()
    per_turn = len(rest_texts(client, "cảm ơn"))
    for _ in range(6):  # the fixture allows a burst of 5
        post(telegram_client, update("telegram_text.json", chat, text="cảm ơn"))
    texts = replies_to(fake_telegram, chat, 5 * per_turn + 1)
    assert texts.count(RATE_LIMITED) == 1
    service = telegram_client.app.state.service  # type: ignore[attr-defined]
    users = [e for e in service.agent.store.retrieve(f"telegram:{chat}").events if e["event"] == "user"]
    assert len(users) == 5


def test_disabled_without_a_token_and_refused_without_a_secret(settings: Settings, service: Service) -> None:
    from bot.api.app import create_app

    with TestClient(create_app(settings, service)) as plain:
        assert plain.post(WEBHOOK, json=payload("telegram_text.json"), headers=HEADERS).status_code == 404
    with pytest.raises(ValueError, match="secret"):
        create_app(with_channels(settings, telegram=TelegramSettings(token=TELEGRAM_TOKEN)), service)
    with pytest.raises(ValueError, match="placeholder"):
        create_app(with_channels(settings, telegram=TelegramSettings(token="changeme", webhook_secret="x1")), service)


async def test_polling_mode_uses_the_same_handlers(service: Service, fake_telegram: FakeTelegram) -> None:
    """``dvcbot telegram --polling``: getUpdates instead of the webhook, same answers."""
    chat = new_chat_id()
    application = build_application(
        TELEGRAM_TOKEN, base_url=fake_telegram.base_url, polling=True  # type: ignore[attr-defined]
    )
    TelegramChannel(service.agent.handle, limiter=RateLimiter(20)).install(application)
    fake_telegram.updates.append(update("telegram_text.json", chat, text="xin chào"))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.05, timeout=0)
    await application.start()
    try:
        for _ in range(200):
            if fake_telegram.sent_texts(chat):
                break
            await asyncio.sleep(0.05)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    texts = fake_telegram.sent_texts(chat)
    assert texts and "trợ lý ảo" in texts[0]
    assert any(c.method == "deleteWebhook" for c in fake_telegram.calls())


def test_pushes_reach_the_chat_through_the_output_registry(
    telegram_client: TestClient, fake_telegram: FakeTelegram
) -> None:
    """A dossier alert for a Telegram conversation goes out on Telegram."""
    chat = new_chat_id()
    service = telegram_client.app.state.service  # type: ignore[attr-defined]
    message = [BotMessage(f"telegram:{chat}", "Hồ sơ đã có kết quả.")]
    telegram_client.portal.call(service.outputs.send, "telegram", f"telegram:{chat}", message)  # type: ignore[union-attr]
    assert replies_to(fake_telegram, chat, 1) == ["Hồ sơ đã có kết quả."]


async def test_a_failing_turn_is_logged_and_the_user_told(
    fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_core(message: Any) -> list[BotMessage]:
        raise RuntimeError("tracker store unreachable")

    chat = new_chat_id()
    application = build_application(
        TELEGRAM_TOKEN, base_url=fake_telegram.base_url, polling=False  # type: ignore[attr-defined]
    )
    TelegramChannel(broken_core, limiter=RateLimiter(20)).install(application)
    await application.initialize()
    await application.start()
    try:
        with caplog.at_level(logging.ERROR, logger="dvcbot.channels.telegram"):
            from telegram import Update

            await application.update_queue.put(Update.de_json(update("telegram_text.json", chat), application.bot))
            for _ in range(100):
                if fake_telegram.sent_texts(chat):
                    break
                await asyncio.sleep(0.05)
    finally:
        await application.stop()
        await application.shutdown()
    assert fake_telegram.sent_texts(chat) == [TEMPORARY_ERROR]
    assert any("tracker store unreachable" in r.getMessage() for r in caplog.records)


def test_the_webhook_is_registered_at_startup_when_a_public_url_is_set(
    settings: Settings, service: Service, fake_telegram: FakeTelegram
) -> None:
    from bot.api.app import create_app

    url = "https://dvcbot.example.gov.vn/webhooks/telegram/webhook"
    configured = with_channels(settings, telegram=TelegramSettings(
        token=TELEGRAM_TOKEN, webhook_secret=TELEGRAM_SECRET, webhook_url=url,
        base_url=fake_telegram.base_url,  # type: ignore[attr-defined]
    ))
    with TestClient(create_app(configured, service)):
        pass
    registered = fake_telegram.calls("setWebhook")[-1].params
    assert registered["url"] == url and registered["secret_token"] == TELEGRAM_SECRET
    assert json.loads(registered["allowed_updates"]) == ["message", "callback_query"]


def test_an_update_nested_100k_deep_is_refused_not_a_500(telegram_client: TestClient, fake_telegram: FakeTelegram) -> None:
    raw = b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    before = len(fake_telegram.calls())
    response = telegram_client.post(WEBHOOK, content=raw, headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400 and "nested deeper" in response.json()["error"]
    assert len(fake_telegram.calls()) == before


def test_a_redelivered_update_is_not_answered_after_a_restart(
    settings: Settings, service: Service, fake_telegram: FakeTelegram
) -> None:
    configured = with_channels(settings, telegram=TelegramSettings(
        token=TELEGRAM_TOKEN, webhook_secret=TELEGRAM_SECRET, base_url=fake_telegram.base_url,  # type: ignore[attr-defined]
    ))
    chat = new_chat_id()
    data = update("telegram_photo.json", chat)
    with TestClient(create_app(configured, service)) as before_restart:
        assert post(before_restart, data).json() == {"status": "ok"}
        assert replies_to(fake_telegram, chat, 1) == [UNSUPPORTED_CONTENT]
    with TestClient(create_app(configured, service)) as after_restart:
        assert post(after_restart, data).json() == {"status": "duplicate"}
    time.sleep(0.1)
    assert fake_telegram.sent_texts(chat) == [UNSUPPORTED_CONTENT]
