"""The Rasa REST and parse contracts, and what bad input gets."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.messages import BotMessage
from bot.service import Service
from tests.conftest import joined, say


def sender() -> str:
    return f"rest-{uuid.uuid4().hex[:8]}"


def test_rest_reply_shape(client: TestClient) -> None:
    user = sender()
    replies = say(client, user, "xin chào")
    assert isinstance(replies, list) and replies
    for reply in replies:
        assert reply["recipient_id"] == user
        assert set(reply) <= {"recipient_id", "text", "buttons", "custom", "image"}
        assert isinstance(reply["text"], str)


def test_buttons_shape(client: TestClient) -> None:
    replies = say(client, sender(), "lĩnh vực nào có thủ tục")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert buttons and all(set(b) == {"title", "payload"} for b in buttons)


def test_metadata_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/webhooks/rest/webhook", json={"sender": sender(), "message": "cảm ơn", "metadata": {"page": "/tthc"}}
    )
    assert response.status_code == 200


def test_parse_shape(client: TestClient) -> None:
    response = client.post("/model/parse", json={"text": "hồ sơ 000.00.15.H29-240312-0042 sao rồi"})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "hồ sơ 000.00.15.H29-240312-0042 sao rồi"
    assert set(body["intent"]) == {"name", "confidence"}
    assert body["intent"]["name"] == "check_dossier_status"
    assert all(set(r) == {"name", "confidence"} for r in body["intent_ranking"])
    (code,) = [e for e in body["entities"] if e["entity"] == "dossier_code"]
    assert set(code) == {"entity", "value", "start", "end", "confidence", "extractor"}
    assert body["text"][code["start"] : code["end"]] == "000.00.15.H29-240312-0042"


def test_parse_resolves_procedure_to_catalogue_code(client: TestClient) -> None:
    body = client.post("/model/parse", json={"text": "thu tuc cap giay phep lao dong"}).json()
    procedures = [e["value"] for e in body["entities"] if e["entity"] == "procedure"]
    assert procedures == ["work_permit_issue"]


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["procedures"] >= 45


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_empty_message_gets_a_polite_reply(client: TestClient, message: str) -> None:
    text = joined(say(client, sender(), message))
    assert "chưa nhận được nội dung" in text


def test_ten_thousand_characters(client: TestClient) -> None:
    story = ("Tôi làm việc ở công ty được ba năm và đóng bảo hiểm đầy đủ. " * 170)[:9950]
    text = joined(say(client, sender(), story + " Giờ nghỉ việc thì hưởng trợ cấp thất nghiệp cần hồ sơ gì?"))
    assert text.startswith("Dạ")
    assert "Giải quyết hưởng trợ cấp thất nghiệp" in text


def test_binary_garbage(client: TestClient) -> None:
    garbage = "".join(chr(c) for c in [0, 1, 2, 0xFFFD, 0x7F, 0x10, 0x1B]) * 20
    text = joined(say(client, sender(), garbage))
    assert "chưa đọc được" in text


def test_non_vietnamese_script(client: TestClient) -> None:
    text = joined(say(client, sender(), "请问劳动许可证需要什么材料"))
    assert "tiếng Việt" in text


def test_english_gets_redirected_politely(client: TestClient) -> None:
    text = joined(say(client, sender(), "what is the weather like in London today"))
    assert text.startswith("Dạ")


def test_conversation_continues_after_bad_input(client: TestClient) -> None:
    user = sender()
    say(client, user, "làm giấy phép lao động cần giấy tờ gì")
    say(client, user, "")
    say(client, user, "\x00\x01\x02")
    text = joined(say(client, user, "thế lệ phí bao nhiêu?"))
    assert "Cấp giấy phép lao động" in text and "Phí, lệ phí" in text


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"message": "xin chao"}',
        b'{"sender": "a"}',
        b'{"sender": "", "message": "x"}',
        b'{"sender": "a", "message": 42}',
        b'{"sender": "a", "message": null}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_wrong_json_is_a_4xx_with_a_message(client: TestClient, body: bytes) -> None:
    response = client.post("/webhooks/rest/webhook", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_too_large_request(client: TestClient) -> None:
    response = client.post("/webhooks/rest/webhook", json={"sender": "a", "message": "a" * 60_000})
    assert response.status_code == 422
    assert "error" in response.json()


def test_bad_parse_request(client: TestClient) -> None:
    response = client.post("/model/parse", json={"txt": "x"})
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "text"


def test_every_turn_is_stored_even_bad_ones(client: TestClient) -> None:
    user = sender()
    for message in ["xin chào", "", "\x00\x01", "cảm ơn"]:
        say(client, user, message)
    service = client.app.state.service  # type: ignore[attr-defined]
    users = [e for e in service.agent.store.retrieve(user).events if e["event"] == "user"]
    assert [e["text"] for e in users] == ["xin chào", "", "\x00\x01", "cảm ơn"]


# The conversation's own client: the secret of its first turn --------------------------------------
SECRET = "X-Dvcbot-Sender-Secret"


def test_the_first_turn_gives_the_client_its_secret_once(client: TestClient) -> None:
    user = sender()
    first = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "xin chào"})
    assert first.status_code == 200 and len(first.headers[SECRET]) >= 40
    assert first.headers["Cache-Control"] == "no-store"
    again = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn"})
    assert again.status_code == 200 and SECRET not in again.headers  # someone else using the id gets nothing
    owner = client.post(
        "/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn"}, headers={SECRET: first.headers[SECRET]}
    )
    assert owner.status_code == 200 and owner.json()[0]["text"].startswith("Dạ, không có gì")


def test_a_wrong_secret_is_refused(client: TestClient) -> None:
    user = sender()
    say(client, user, "xin chào")
    response = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn"}, headers={SECRET: "guess"})
    assert response.status_code == 403 and "error" in response.json()


def test_pending_needs_the_conversations_secret(client: TestClient, service: Service) -> None:
    user = sender()
    secret = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "xin chào"}).headers[SECRET]
    alert = BotMessage(user, 'Dạ, em xin báo: hồ sơ ... vừa chuyển sang tình trạng "Đã có kết quả".')
    asyncio.run(service.agent.push_pending(user, [alert]))
    missing = client.get(f"/webhooks/rest/pending/{user}")
    assert missing.status_code == 401 and "error" in missing.json()
    wrong = client.get(f"/webhooks/rest/pending/{user}", headers={SECRET: secret[:-2] + "xx"})
    assert wrong.status_code == 403 and "error" in wrong.json()
    never_issued = client.get(f"/webhooks/rest/pending/{sender()}", headers={SECRET: secret})
    assert never_issued.status_code == 403
    assert client.get(f"/webhooks/rest/pending/{user}", headers={SECRET: secret}).json() == [alert.as_rest()]


def test_kept_alerts_come_only_to_the_conversations_own_client(client: TestClient, service: Service) -> None:
    user = sender()
    secret = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "xin chào"}).headers[SECRET]
    asyncio.run(service.agent.push_pending(user, [BotMessage(user, "Dạ, em xin báo: hồ sơ đã có kết quả")]))
    other = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn"}).json()
    assert all("em xin báo" not in (r.get("text") or "") for r in other)
    own = client.post("/webhooks/rest/webhook", json={"sender": user, "message": "cảm ơn"}, headers={SECRET: secret})
    assert own.json()[0]["text"] == "Dạ, em xin báo: hồ sơ đã có kết quả"
