"""``POST /api/voice/webhook`` on the whole app: the calls a cloud voice vendor would post."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import Settings
from telephony.webhook import TOKEN_HEADER

URL = "/api/voice/webhook"
CALLER = "0912345678"  # the demo dossiers' applicant
MENU_GATHER = {
    "type": "gather",
    "input": "dtmf",
    "timeout_seconds": 6.0,
    "max_digits": 1,
    "finish_on_key": "#",
}


def new_call() -> str:
    return f"call-{uuid.uuid4().hex[:12]}"


def post(client: TestClient, body: dict[str, Any], status: int = 200, **headers: str) -> dict[str, Any]:
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def actions(client: TestClient, call_id: str, event: str, **fields: Any) -> list[dict[str, Any]]:
    data = post(client, {"call_id": call_id, "event": event, **fields})
    assert data["call_id"] == call_id
    result: list[dict[str, Any]] = data["actions"]
    return result


def said(replies: list[dict[str, Any]]) -> str:
    return " ".join(a["text"] for a in replies if a["type"] == "say")


def test_call_started_says_the_menu_and_waits_for_a_key(client: TestClient) -> None:
    replies = actions(client, new_call(), "call_started", **{"from": CALLER})
    assert [a["type"] for a in replies] == ["say", "say", "gather"]
    assert replies[0]["language"] == "vi-VN"
    assert replies[0]["text"].startswith("Xin chào, đây là tổng đài hỗ trợ thủ tục hành chính")
    assert "bấm phím một" in replies[1]["text"] and "bấm phím hai" in replies[1]["text"]
    assert replies[-1] == MENU_GATHER


def test_dossier_status_then_an_agent_then_the_end(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": "+84 912 345 678"})
    replies = actions(client, call, "dtmf", digits="1")
    assert "bốn số cuối của số căn cước công dân" in said(replies)
    assert replies[-1] == {
        "type": "gather",
        "input": "dtmf",
        "timeout_seconds": 10.0,
        "max_digits": 4,
        "finish_on_key": "#",
    }
    replies = actions(client, call, "dtmf", digits="4321#")
    text = said(replies)
    assert "Số điện thoại này có bảy hồ sơ đã xác minh" in text
    assert "tình trạng Mới tiếp nhận" in text
    assert "hát hai chín" in text  # the code, piece by piece
    assert replies[-1] == MENU_GATHER
    replies = actions(client, call, "dtmf", digits="0")
    assert replies[-1] == {"type": "transfer", "queue": "agents"}
    assert "chuyển máy tới tổng đài viên" in said(replies)
    assert actions(client, call, "call_ended") == []
    # The call is gone: a late event is refused, a repeated call_ended is harmless.
    assert "error" in post(client, {"call_id": call, "event": "dtmf", "digits": "1"}, status=404)
    assert actions(client, call, "call_ended") == []


def test_wrong_digits_tell_nothing_then_the_right_ones_do(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    actions(client, call, "dtmf", digits="1")
    replies = actions(client, call, "dtmf", digits="0000")
    assert "chưa khớp" in said(replies) and "Hồ sơ mã" not in said(replies)
    assert replies[-1]["max_digits"] == 4
    replies = actions(client, call, "dtmf", digits="4321")
    assert "Hồ sơ mã" in said(replies)


def test_silence_is_retried_then_the_call_ends(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    for _ in range(2):
        replies = actions(client, call, "dtmf", digits="")
        assert replies[-1] == MENU_GATHER
    replies = actions(client, call, "dtmf", digits="")
    assert replies[-1] == {"type": "hangup"}
    assert "hẹn gặp lại" in said(replies)


def test_a_bad_key_is_explained(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    replies = actions(client, call, "dtmf", digits="8")
    assert said(replies).startswith("Xin lỗi, phím anh chị vừa bấm không có trong danh sách.")
    assert replies[-1] == MENU_GATHER


def test_a_spoken_question_gets_the_bots_answer(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    replies = actions(client, call, "dtmf", digits="2")
    assert replies[-1] == {"type": "gather", "input": "speech", "timeout_seconds": 10.0, "language": "vi-VN"}
    replies = actions(client, call, "speech", transcript="")
    assert said(replies) == "Em chưa nghe rõ câu hỏi. Mời anh chị nói lại."
    replies = actions(client, call, "speech", transcript="hồ sơ hưởng trợ cấp thất nghiệp gồm những gì")
    text = said(replies)
    assert "trợ cấp thất nghiệp" in text.lower()
    assert not any(ch.isdigit() for ch in text)
    assert "Bấm không để gặp tổng đài viên" in text
    assert replies[-1] == MENU_GATHER


def test_a_vendor_without_speech_recognition(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", speech=False, **{"from": CALLER})
    replies = actions(client, call, "dtmf", digits="2")
    assert "chưa nhận câu hỏi bằng giọng nói" in said(replies)
    assert replies[-1] == MENU_GATHER


def test_a_retried_event_gets_the_same_reply_and_moves_nothing(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    first = actions(client, call, "dtmf", digits="7", event_id="ev-1")
    again = actions(client, call, "dtmf", digits="7", event_id="ev-1")
    assert again == first
    # Only one bad key was counted: two more are still retried before the transfer.
    assert actions(client, call, "dtmf", digits="7", event_id="ev-2")[-1] == MENU_GATHER
    assert actions(client, call, "dtmf", digits="7", event_id="ev-3")[-1]["type"] == "transfer"


def test_the_call_survives_a_new_app_on_the_same_database(
    settings: Settings, service: Service, client: TestClient
) -> None:
    """Another worker (or the next deploy) picks the call up where the last request left it."""
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    actions(client, call, "dtmf", digits="1")
    with TestClient(create_app(settings, service)) as other:
        replies = actions(other, call, "dtmf", digits="4321")
    assert "Hồ sơ mã" in said(replies)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"event": "call_started"}, 422),
        ({"call_id": "c-x", "event": "ringing"}, 422),
        ({"call_id": "c-x", "event": "dtmf"}, 422),
        ({"call_id": "c-x", "event": "dtmf", "digits": "12a"}, 422),
        ({"call_id": "c-x", "event": "speech"}, 422),
        ({"call_id": "bad id with spaces", "event": "call_ended"}, 422),
        ({"call_id": "c-x", "event": "speech", "transcript": "x" * 1001}, 422),
        ({"call_id": "c-x", "event": "call_started", "from": "<script>"}, 422),
        ({"call_id": "never-started", "event": "dtmf", "digits": "1"}, 404),
        ({"call_id": "never-started", "event": "speech", "transcript": "xin chào"}, 404),
    ],
)
def test_bad_input_is_a_json_4xx(client: TestClient, body: dict[str, Any], status: int) -> None:
    data = post(client, body, status=status)
    assert data["error"]


def test_bodies_that_are_not_json(client: TestClient) -> None:
    for content in (b"not json", b"[1, 2]", b""):
        response = client.post(URL, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        assert response.json()["error"]


def test_a_second_call_started_is_a_conflict(client: TestClient) -> None:
    call = new_call()
    actions(client, call, "call_started", **{"from": CALLER})
    assert "error" in post(client, {"call_id": call, "event": "call_started", "from": CALLER}, status=409)


def test_the_token_is_required_when_set(settings: Settings, service: Service) -> None:
    webhook = settings.telephony.webhook.model_copy(update={"token": "voice-token-0123456789"})
    configured = settings.model_copy(
        update={"telephony": settings.telephony.model_copy(update={"webhook": webhook})}
    )
    with TestClient(create_app(configured, service)) as guarded:
        body = {"call_id": new_call(), "event": "call_started", "from": CALLER}
        assert "error" in post(guarded, body, status=401)
        assert "error" in post(guarded, body, status=401, **{TOKEN_HEADER: "wrong"})
        assert post(guarded, body, **{TOKEN_HEADER: "voice-token-0123456789"})["actions"]
