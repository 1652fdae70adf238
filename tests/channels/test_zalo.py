"""Zalo OA: signed recorded events in, the messages the bot sent to a local fake Zalo API out."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.messages import BotMessage
from bot.service import Service
from bot.settings import RateLimitSettings, Settings
from channels.texts import RATE_LIMITED, UNSUPPORTED_CONTENT
from channels.zalo import CHOICES_HEADER, render_replies, sign, verify
from tests.channels.conftest import (
    ZALO_APP_ID,
    ZALO_OA_SECRET,
    new_zalo_user,
    payload,
    signed,
    with_channels,
    zalo_settings,
)
from tests.channels.fakes import FakeZalo
from tests.conftest import rest_texts, say
from tests.servers import ServerThread, wait_for

WEBHOOK = "/webhooks/zalo/webhook"


def event(name: str, user: str, **message_fields: Any) -> dict[str, Any]:
    """A recorded event re-addressed to ``user`` with a fresh ``msg_id`` and timestamp."""
    data = payload(name)
    for key in ("sender", "follower"):
        if key in data and data["event_name"] != "user_seen_message":  # there the sender is the OA
            data[key]["id"] = user
    if "message" in data:
        data["message"]["msg_id"] = uuid.uuid4().hex[:19]
        data["message"].update(message_fields)
    data["timestamp"] = str(int(time.time() * 1000))
    return data


def post(client: TestClient, data: dict[str, Any]) -> httpx.Response:
    raw, headers = signed(data)
    return client.post(WEBHOOK, content=raw, headers=headers)



def test_a_text_message_is_answered_through_the_oa_api(
    zalo_client: TestClient, fake_zalo: FakeZalo, client: TestClient
) -> None:
    user = new_zalo_user()
    data = event("zalo_user_send_text.json", user)
    response = post(zalo_client, data)
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    expected = rest_texts(client, data["message"]["text"])
    assert fake_zalo.sent_texts(user) == expected
    calls = [c for c in fake_zalo.calls("message") if c.params["recipient"]["user_id"] == user]
    assert all(c.headers["access_token"] == "token-1" for c in calls)
    assert all(c.params["recipient"]["message_id"] == data["message"]["msg_id"] for c in calls)


def test_follow_gets_the_core_greeting_and_unfollow_nothing(
    zalo_client: TestClient, fake_zalo: FakeZalo, client: TestClient
) -> None:
    user = new_zalo_user()
    assert post(zalo_client, event("zalo_follow.json", user)).status_code == 200
    greeting = rest_texts(client, "/greet")
    assert fake_zalo.sent_texts(user) == greeting
    assert post(zalo_client, event("zalo_unfollow.json", user)).json() == {"status": "accepted"}
    assert fake_zalo.sent_texts(user) == greeting


def test_an_image_gets_a_polite_text_only_reply(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    user = new_zalo_user()
    assert post(zalo_client, event("zalo_user_send_image.json", user)).status_code == 200
    assert fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT]


def _forgeries(data: dict[str, Any]) -> list[tuple[bytes, dict[str, str]]]:
    raw, good = signed(data)
    digest = good["X-ZEvent-Signature"][4:]
    app_secret_mac = hashlib.sha256(
        (ZALO_APP_ID + raw.decode() + str(data["timestamp"]) + "app-secret").encode()
    ).hexdigest()
    tampered = raw.replace("giấy phép".encode(), b"giay phep")
    return [
        (raw, {}),                                                     # no signature
        (raw, {"X-ZEvent-Signature": "mac="}),                         # empty
        (raw, {"X-ZEvent-Signature": "mac=" + "0" * 64}),              # made up
        (raw, {"X-ZEvent-Signature": "mac=" + app_secret_mac}),        # the app's secret, not the OA's
        (tampered, {"X-ZEvent-Signature": "mac=" + digest}),           # body changed after signing
        (raw, {"X-ZEvent-Signature": "mac=" + digest[:-1]}),           # truncated
    ]


def test_forged_signatures_get_403_and_no_reply(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    user = new_zalo_user()
    for raw, headers in _forgeries(event("zalo_user_send_text.json", user)):
        response = zalo_client.post(WEBHOOK, content=raw, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 403, headers
        assert response.json() == {"error": "invalid signature"}
    assert fake_zalo.sent_texts(user) == [] and not [
        c for c in fake_zalo.calls("message") if c.params["recipient"]["user_id"] == user
    ]


def test_a_replayed_event_is_answered_once(zalo_client: TestClient, fake_zalo: FakeZalo, client: TestClient) -> None:
    user = new_zalo_user()
    data = event("zalo_user_send_text.json", user, text="xin chào")
    assert post(zalo_client, data).json() == {"status": "accepted"}
    first = fake_zalo.sent_texts(user)
    assert first == rest_texts(client, "xin chào")
    resent = {**data, "timestamp": str(int(data["timestamp"]) + 5000)}  # Zalo resends with a new timestamp
    response = post(zalo_client, resent)
    assert response.status_code == 200 and response.json() == {"status": "duplicate"}
    assert post(zalo_client, data).json() == {"status": "duplicate"}
    assert fake_zalo.sent_texts(user) == first


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"[]", b'{"event_name": "user_send_text"}', b""])
def test_malformed_events_get_400_and_no_reply(zalo_client: TestClient, fake_zalo: FakeZalo, body: bytes) -> None:
    before = len(fake_zalo.calls("message"))
    response = zalo_client.post(
        WEBHOOK, content=body, headers={"X-ZEvent-Signature": "mac=" + "a" * 64, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "error" in response.json()
    assert len(fake_zalo.calls("message")) == before


def test_an_unknown_event_type_is_acknowledged_and_ignored(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    before = len(fake_zalo.calls("message"))
    for data in (event("zalo_user_seen_message.json", new_zalo_user()),
                 {**event("zalo_user_send_text.json", new_zalo_user()), "event_name": "user_send_hologram"}):
        response = post(zalo_client, data)
        assert response.status_code == 200 and response.json() == {"status": "ignored"}
    assert len(fake_zalo.calls("message")) == before


def test_buttons_are_numbered_and_a_number_picks_one(
    zalo_client: TestClient, fake_zalo: FakeZalo, client: TestClient
) -> None:
    user = new_zalo_user()
    post(zalo_client, event("zalo_user_send_text.json", user, text="lĩnh vực nào có thủ tục"))
    (listing,) = fake_zalo.sent_texts(user)
    rest_reply = say(client, f"rest-{user}", "lĩnh vực nào có thủ tục")[0]
    lines = [f"{i}. {b['title']}" for i, b in enumerate(rest_reply["buttons"], start=1)]
    assert listing == rest_reply["text"] + "\n\n" + "\n".join([CHOICES_HEADER, *lines])

    post(zalo_client, event("zalo_user_send_text.json", user, text=" 6. "))
    chosen = rest_reply["buttons"][5]
    expected = rest_texts(client, chosen["payload"])
    assert fake_zalo.sent_texts(user)[1:] == expected and "Người có công" in expected[0]
    service = zalo_client.app.state.service  # type: ignore[attr-defined]
    users = [e for e in service.agent.store.retrieve(f"zalo:{user}").events if e["event"] == "user"]
    assert users[-1]["text"] == chosen["payload"] and users[-1]["metadata"] == {"button_title": chosen["title"]}

    post(zalo_client, event("zalo_user_send_text.json", user, text="6"))  # that list is no longer on screen
    users = [e for e in service.agent.store.retrieve(f"zalo:{user}").events if e["event"] == "user"]
    assert users[-1]["text"] == "6" and users[-1]["metadata"] == {}


def test_long_replies_are_split_under_2000_characters() -> None:
    text = "\n".join(f"{i}. Giấy tờ chứng minh điều kiện hưởng chế độ theo quy định hiện hành." for i in range(1, 80))
    texts, offered = render_replies([BotMessage("u", text, [{"title": "Lệ phí", "payload": "/ask_fee"}])])
    assert len(texts) >= 3 and all(len(t) <= 2000 for t in texts)
    assert texts[-1].endswith(f"{CHOICES_HEADER}\n1. Lệ phí") and offered == [{"title": "Lệ phí", "payload": "/ask_fee"}]
    assert texts[0].startswith("1. Giấy tờ") and all(line[0].isdigit() for t in texts[:-1] for line in t.splitlines())


def test_the_token_is_refreshed_before_it_expires_and_kept_in_the_token_file(
    settings: Settings, service: Service, fake_zalo: FakeZalo, tmp_path: Path
) -> None:
    fake_zalo.valid_tokens = {"token-1"}
    fake_zalo.refresh_tokens = {"refresh-1": ("token-2", "refresh-2")}
    fake_zalo.clear()
    token_file = tmp_path / "zalo_tokens.json"
    configured = with_channels(settings, zalo=zalo_settings(
        fake_zalo.base_url,  # type: ignore[attr-defined]
        access_token_expires_at=time.time() + 60,  # inside the 300 s margin
        token_file=str(token_file),
    ))
    user = new_zalo_user()
    with TestClient(create_app(configured, service)) as zalo_client:
        post(zalo_client, event("zalo_user_send_text.json", user, text="cảm ơn"))
    (refresh,) = fake_zalo.calls("refresh")
    assert refresh.params == {"app_id": ZALO_APP_ID, "refresh_token": "refresh-1", "grant_type": "refresh_token"}
    assert refresh.headers == {"secret_key": "app-secret"}
    assert fake_zalo.calls()[0].method == "refresh"
    assert {c.headers["access_token"] for c in fake_zalo.calls("message")} == {"token-2"}
    assert fake_zalo.sent_texts(user)
    stored = json.loads(token_file.read_text())
    assert stored["access_token"] == "token-2" and stored["refresh_token"] == "refresh-2"
    assert stored["expires_at"] > time.time() + 80_000
    assert oct(os.stat(token_file).st_mode & 0o777) == "0o600"


def test_an_invalid_token_is_refreshed_once_and_the_message_resent(
    settings: Settings, service: Service, fake_zalo: FakeZalo
) -> None:
    fake_zalo.valid_tokens = set()
    fake_zalo.refresh_tokens = {"refresh-1": ("token-2", "refresh-2")}
    fake_zalo.clear()
    configured = with_channels(settings, zalo=zalo_settings(fake_zalo.base_url))  # type: ignore[attr-defined]
    user = new_zalo_user()
    with TestClient(create_app(configured, service)) as zalo_client:
        post(zalo_client, event("zalo_user_send_image.json", user))
    assert [c.method for c in fake_zalo.calls()] == ["message", "refresh", "message"]
    assert [c.headers.get("access_token") for c in fake_zalo.calls("message")] == ["token-1", "token-2"]
    assert fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT]


def test_a_rate_limited_send_is_retried_with_backoff(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    user = new_zalo_user()
    fake_zalo.script.extend([{"error": -32, "message": "Exceeded the rate limit"}] * 2)
    post(zalo_client, event("zalo_user_send_image.json", user))
    calls = [c for c in fake_zalo.calls("message") if c.params["recipient"]["user_id"] == user]
    assert len(calls) == 3 and fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT]


def test_outside_the_reply_window_the_reply_is_logged_and_dropped(
    zalo_client: TestClient, fake_zalo: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    user = new_zalo_user()
    fake_zalo.script.append({"error": -230, "message": "User has not interacted with the OA in the last 7 days"})
    with caplog.at_level(logging.WARNING, logger="dvcbot.channels.zalo"):
        response = post(zalo_client, event("zalo_user_send_text.json", user, text="cảm ơn"))
    assert response.status_code == 200
    calls = [c for c in fake_zalo.calls("message") if c.params["recipient"]["user_id"] == user]
    assert len(calls) == 1 and fake_zalo.sent_texts(user) == []  # no retry, nothing else sent
    assert any("reply window" in r.getMessage() and "-230" in r.getMessage() for r in caplog.records)


def test_over_the_rate_limit_gets_a_polite_reply_and_no_turn(
    zalo_client: TestClient, fake_zalo: FakeZalo, client: TestClient
) -> None:
    user = new_zalo_user()
    per_turn = len(rest_texts(client, "cảm ơn"))
    for _ in range(6):  # the fixture allows a burst of 5
        post(zalo_client, event("zalo_user_send_text.json", user, text="cảm ơn"))
    texts = fake_zalo.sent_texts(user)
    assert len(texts) == 5 * per_turn + 1 and texts[-1] == RATE_LIMITED
    service = zalo_client.app.state.service  # type: ignore[attr-defined]
    assert len([e for e in service.agent.store.retrieve(f"zalo:{user}").events if e["event"] == "user"]) == 5


def test_the_webhook_answers_before_the_reply_is_sent(settings: Settings, service: Service, fake_zalo: FakeZalo) -> None:
    """Zalo wants its 200 within seconds: the turn and the send run after the response."""
    fake_zalo.valid_tokens = {"token-1"}
    fake_zalo.delay_seconds = 1.5
    configured = with_channels(settings, zalo=zalo_settings(fake_zalo.base_url))  # type: ignore[attr-defined]
    user = new_zalo_user()
    try:
        with ServerThread(create_app(configured, service)) as server:
            raw, headers = signed(event("zalo_user_send_image.json", user))
            started = time.perf_counter()
            response = httpx.post(server.url + WEBHOOK, content=raw, headers=headers, timeout=10)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and elapsed < 1.0
            assert wait_for(lambda: fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT], timeout=10)
    finally:
        fake_zalo.delay_seconds = 0.0


def test_pushes_reach_the_user_through_the_output_registry(
    zalo_client: TestClient, fake_zalo: FakeZalo, service: Service
) -> None:
    user = new_zalo_user()
    message = [BotMessage(f"zalo:{user}", "Hồ sơ đã có kết quả.")]
    zalo_client.portal.call(service.outputs.send, "zalo", f"zalo:{user}", message)  # type: ignore[union-attr]
    assert fake_zalo.sent_texts(user) == ["Hồ sơ đã có kết quả."]
    (call,) = [c for c in fake_zalo.calls("message") if c.params["recipient"]["user_id"] == user]
    assert "message_id" not in call.params["recipient"]


def test_signature_is_sha256_of_app_id_body_timestamp_and_oa_secret() -> None:
    body = b'{"event_name":"user_send_text","timestamp":"1763800000000"}'
    expected = hashlib.sha256(f"{ZALO_APP_ID}{body.decode()}1763800000000{ZALO_OA_SECRET}".encode()).hexdigest()
    header = sign(app_id=ZALO_APP_ID, raw_body=body, timestamp="1763800000000", oa_secret_key=ZALO_OA_SECRET)
    assert header == f"mac={expected}"
    kwargs = {"app_id": ZALO_APP_ID, "raw_body": body, "timestamp": "1763800000000", "oa_secret_key": ZALO_OA_SECRET}
    assert verify(header, **kwargs) and verify(expected.upper(), **kwargs)
    assert not verify(None, **kwargs) and not verify("mac=zz", **kwargs)
    assert not verify(header, **{**kwargs, "timestamp": "1763800000001"})


def test_zalo_is_off_without_its_keys(client: TestClient) -> None:
    raw, headers = signed(event("zalo_user_send_text.json", new_zalo_user()))
    assert client.post(WEBHOOK, content=raw, headers=headers).status_code == 404


def test_rate_limit_settings_apply(settings: Settings, service: Service, fake_zalo: FakeZalo) -> None:
    configured = with_channels(settings, zalo=zalo_settings(fake_zalo.base_url),  # type: ignore[attr-defined]
                               rate_limit=RateLimitSettings(messages_per_minute=1, burst=1))
    user = new_zalo_user()
    fake_zalo.valid_tokens = {"token-1"}
    with TestClient(create_app(configured, service)) as zalo_client:
        post(zalo_client, event("zalo_user_send_image.json", user))
        post(zalo_client, event("zalo_user_send_image.json", user))
    assert fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT, RATE_LIMITED]


def test_a_refused_send_is_logged_not_swallowed(
    zalo_client: TestClient, fake_zalo: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    user = new_zalo_user()
    fake_zalo.script.append({"error": -201, "message": "Parameters are invalid"})
    with caplog.at_level(logging.ERROR, logger="dvcbot.channels.zalo"):
        assert post(zalo_client, event("zalo_user_send_image.json", user)).status_code == 200
    assert fake_zalo.sent_texts(user) == []
    (record,) = [r for r in caplog.records if "no reply sent" in r.getMessage()]
    assert record.exc_info is not None and "-201" in str(record.exc_info[1])


def test_the_registry_forgets_the_channel_when_the_app_stops(
    settings: Settings, service: Service, fake_zalo: FakeZalo
) -> None:
    assert service.outputs is not None
    before = service.outputs.sender_for("zalo")
    configured = with_channels(settings, zalo=zalo_settings(fake_zalo.base_url))  # type: ignore[attr-defined]
    with TestClient(create_app(configured, service)):
        assert service.outputs.sender_for("zalo") is not before
    assert service.outputs.sender_for("zalo") is before


def _signed_raw(raw: bytes, timestamp: str) -> dict[str, str]:
    mac = sign(app_id=ZALO_APP_ID, raw_body=raw, timestamp=timestamp, oa_secret_key=ZALO_OA_SECRET)
    return {"X-ZEvent-Signature": mac, "Content-Type": "application/json"}


def test_a_body_nested_100k_deep_is_refused_before_it_is_parsed(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    """It used to reach json.loads before the signature check: RecursionError, a 500 for anyone."""
    timestamp = str(int(time.time() * 1000))
    raw = ('{"event_name": "user_send_text", "timestamp": "' + timestamp + '", "x": '
           + "[" * 100_000 + "]" * 100_000 + "}").encode()
    before = len(fake_zalo.calls("message"))
    unsigned = zalo_client.post(WEBHOOK, content=raw, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 403 and unsigned.json() == {"error": "invalid signature"}
    signed_deep = zalo_client.post(WEBHOOK, content=raw, headers=_signed_raw(raw, timestamp))
    assert signed_deep.status_code == 400 and "nested deeper" in signed_deep.json()["error"]
    assert len(fake_zalo.calls("message")) == before


def test_an_oversized_body_is_refused_by_its_declared_length(zalo_client: TestClient) -> None:
    response = zalo_client.post(WEBHOOK, content=b"{" + b" " * 300_000 + b"}",
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "error" in response.json()


def test_a_replay_after_a_restart_is_not_answered_again(
    settings: Settings, service: Service, fake_zalo: FakeZalo, client: TestClient
) -> None:
    fake_zalo.valid_tokens = {"token-1"}
    configured = with_channels(settings, zalo=zalo_settings(fake_zalo.base_url))  # type: ignore[attr-defined]
    user = new_zalo_user()
    data = event("zalo_user_send_text.json", user, text="xin chào")
    with TestClient(create_app(configured, service)) as before_restart:
        assert post(before_restart, data).json() == {"status": "accepted"}
    answered = fake_zalo.sent_texts(user)
    assert answered == rest_texts(client, "xin chào")
    with TestClient(create_app(configured, service)) as after_restart:  # a new process's memory
        response = post(after_restart, data)
    assert response.status_code == 200 and response.json() == {"status": "duplicate"}
    assert fake_zalo.sent_texts(user) == answered


def test_an_event_without_msg_id_is_answered_once(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    user = new_zalo_user()
    data = event("zalo_user_send_image.json", user)
    del data["message"]["msg_id"]
    assert post(zalo_client, data).json() == {"status": "accepted"}
    for _ in range(3):
        assert post(zalo_client, data).json() == {"status": "duplicate"}
    assert fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT]
    later = {**data, "timestamp": str(int(data["timestamp"]) + 1000)}  # a new signed event
    assert post(zalo_client, later).json() == {"status": "accepted"}
    assert fake_zalo.sent_texts(user) == [UNSUPPORTED_CONTENT] * 2


@pytest.mark.parametrize(
    ("timestamp", "problem"),
    [
        ("1500000000000", "2017-07-14"),  # a signed event captured years ago
        (str(int((time.time() - 3600) * 1000)), "older than 900 s"),
        (str(int((time.time() + 3600) * 1000)), "in the future"),
    ],
    ids=["dated-2017", "an-hour-old", "an-hour-ahead"],
)
def test_a_stale_event_is_refused_and_not_answered(
    zalo_client: TestClient, fake_zalo: FakeZalo, timestamp: str, problem: str
) -> None:
    user = new_zalo_user()
    data = {**event("zalo_user_send_text.json", user, text="xin chào"), "timestamp": timestamp}
    response = post(zalo_client, data)
    assert response.status_code == 403 and problem in response.json()["error"]
    assert fake_zalo.sent_texts(user) == []


def test_a_timestamp_that_is_not_milliseconds_is_refused(zalo_client: TestClient, fake_zalo: FakeZalo) -> None:
    user = new_zalo_user()
    response = post(zalo_client, {**event("zalo_user_send_text.json", user), "timestamp": "hôm qua"})
    assert response.status_code == 403 and "milliseconds" in response.json()["error"]
    assert fake_zalo.sent_texts(user) == []
