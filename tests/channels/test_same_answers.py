"""One conversation, four channels, the same answers: REST, the web widget, Telegram and Zalo."""

from __future__ import annotations

import secrets
import time

from fastapi.testclient import TestClient

from channels.zalo import CHOICES_HEADER
from tests.channels.conftest import new_chat_id, new_zalo_user, payload, signed
from tests.channels.fakes import FakeTelegram, FakeZalo
from tests.conftest import say
from tests.servers import wait_for

CONVERSATION = [
    "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì",
    "thế lệ phí bao nhiêu?",
    "còn gia hạn thì sao",
]


def flat(texts: list[str]) -> str:
    """The words of a turn's messages: platforms split long messages, the words stay the same."""
    joined = "\n".join(t.split(f"\n\n{CHOICES_HEADER}")[0] for t in texts)
    return " ".join(joined.split())


def test_the_same_conversation_gives_the_same_answers_everywhere(
    client: TestClient,
    telegram_client: TestClient,
    fake_telegram: FakeTelegram,
    zalo_client: TestClient,
    fake_zalo: FakeZalo,
) -> None:
    rest_sender = f"rest-{secrets.token_hex(4)}"
    widget_sender = "web-" + secrets.token_hex(16)
    chat = new_chat_id()
    zalo_user = new_zalo_user()
    answers: dict[str, list[str]] = {"rest": [], "widget": [], "telegram": [], "zalo": []}

    for number, text in enumerate(CONVERSATION):
        answers["rest"].append(flat([r.get("text") or "" for r in say(client, rest_sender, text)]))

        widget = client.post("/widget/messages", json={"sender": widget_sender, "message": text})
        assert widget.status_code == 200
        answers["widget"].append(flat([r.get("text") or "" for r in widget.json()]))

        seen = len(fake_telegram.sent_texts(chat))
        update = payload("telegram_text.json")
        update["update_id"] = 700_000_000 + chat % 1_000_000 * 10 + number
        update["message"].update({"message_id": 200 + number, "text": text, "date": int(time.time())})
        update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat
        response = telegram_client.post(
            "/webhooks/telegram/webhook", json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Header_Token-0123456789"},
        )
        assert response.status_code == 200
        expected = flat([answers["rest"][-1]])

        def delivered(seen: int = seen, expected: str = expected) -> bool:
            return flat(fake_telegram.sent_texts(chat)[seen:]) == expected

        assert wait_for(delivered), fake_telegram.sent_texts(chat)
        answers["telegram"].append(flat(fake_telegram.sent_texts(chat)[seen:]))

        seen = len(fake_zalo.sent_texts(zalo_user))
        event = payload("zalo_user_send_text.json")
        event["sender"]["id"] = zalo_user
        event["message"] = {"text": text, "msg_id": secrets.token_hex(10)}
        event["timestamp"] = str(int(time.time() * 1000))
        raw, headers = signed(event)
        assert zalo_client.post("/webhooks/zalo/webhook", content=raw, headers=headers).status_code == 200
        answers["zalo"].append(flat(fake_zalo.sent_texts(zalo_user)[seen:]))

    assert answers["rest"][0].startswith('Dạ, về thủ tục "Cấp giấy phép lao động')
    assert "Phí, lệ phí" in answers["rest"][1] and "Cấp giấy phép lao động" in answers["rest"][1]
    assert answers["rest"][2].startswith('Dạ, về thủ tục "Gia hạn giấy phép lao động')
    assert answers["widget"] == answers["rest"]
    assert answers["telegram"] == answers["rest"]
    assert answers["zalo"] == answers["rest"]
