"""The widget's server side: the script, the demo page, its message/history API, CORS and feedback."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import RateLimitSettings, Settings, WidgetSettings
from channels.texts import RATE_LIMITED
from tests.channels.conftest import with_channels


def web_sender() -> str:
    return "web-" + secrets.token_hex(16)


def ask(client: TestClient, sender: str, text: str, **extra: object) -> list[dict[str, object]]:
    response = client.post("/widget/messages", json={"sender": sender, "message": text, **extra})
    assert response.status_code == 200, response.text
    replies: list[dict[str, object]] = response.json()
    return replies


@pytest.fixture(scope="module")
def strict_client(settings: Settings, service: Service) -> Iterator[TestClient]:
    """An app that lets two messages through per sender and one embedding origin."""
    configured = with_channels(
        settings,
        rate_limit=RateLimitSettings(messages_per_minute=2, burst=2),
        widget=WidgetSettings(allowed_origins=["https://dichvucong.example.gov.vn"]),
    )
    with TestClient(create_app(configured, service)) as client:
        yield client


def test_the_script_is_served_self_contained(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    script = response.text
    assert "attachShadow" in script and "localStorage" in script and "aria-live" in script
    assert script.count("innerHTML") == 1  # the static template only; messages become text nodes
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.DOTALL).replace('"http://www.w3.org/2000/svg"', "")
    assert not re.search(r"(https?://|\bimport\s|require\()", code)  # nothing loaded from elsewhere


def test_the_demo_page_embeds_the_widget_with_one_tag_and_no_external_assets(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.count("<script") == 1 and '<script src="/widget.js"' in page
    assert 'lang="vi"' in page and "Cổng Dịch vụ công" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_messages_reach_the_core_as_the_widget_channel(client: TestClient) -> None:
    sender = web_sender()
    replies = ask(client, sender, "làm giấy phép lao động cần giấy tờ gì")
    assert replies and all(r["recipient_id"] == sender for r in replies)
    assert "Cấp giấy phép lao động" in str(replies[0]["text"])
    service = client.app.state.service  # type: ignore[attr-defined]
    (user,) = [e for e in service.agent.store.retrieve(sender).events if e["event"] == "user"]
    assert user["input_channel"] == "widget"


def test_history_shows_what_the_person_saw(client: TestClient) -> None:
    sender = web_sender()
    ask(client, sender, "/greet")  # the widget's silent greeting
    fields = ask(client, sender, "lĩnh vực nào có thủ tục")
    button = fields[0]["buttons"][0]  # type: ignore[index]
    ask(client, sender, button["payload"], metadata={"button_title": button["title"], "ignored": "x" * 10})
    body = client.get("/widget/history", params={"sender": sender}).json()
    assert body["sender"] == sender
    users = [m["text"] for m in body["messages"] if m["from"] == "user"]
    assert users == ["lĩnh vực nào có thủ tục", button["title"]]
    bots = [m for m in body["messages"] if m["from"] == "bot"]
    assert bots[0]["text"].startswith("Dạ, em chào")
    assert any(m["buttons"] and m["buttons"][0] == button for m in bots)
    service = client.app.state.service  # type: ignore[attr-defined]
    last_user = [e for e in service.agent.store.retrieve(sender).events if e["event"] == "user"][-1]
    assert last_user["metadata"] == {"button_title": button["title"]}


@pytest.mark.parametrize("sender", ["rest-abc", "web-123", "web-" + "g" * 32, "", "WEB-" + "a" * 32])
def test_widget_senders_are_random_web_ids_only(client: TestClient, sender: str) -> None:
    assert client.post("/widget/messages", json={"sender": sender, "message": "xin chào"}).status_code == 422
    response = client.get("/widget/history", params={"sender": sender})
    assert response.status_code == 422 and "error" in response.json()


def test_by_default_the_widget_api_is_same_origin_only(client: TestClient) -> None:
    """No portal origins configured: no page elsewhere may call the API from a browser."""
    origin = {"Origin": "https://evil.example"}
    preflight = client.options(
        "/widget/messages", headers={**origin, "Access-Control-Request-Method": "POST",
                                     "Access-Control-Request-Headers": "content-type"}
    )
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    sent = client.post("/widget/messages", json={"sender": web_sender(), "message": "cảm ơn"}, headers=origin)
    assert sent.status_code == 200 and "access-control-allow-origin" not in sent.headers
    same = client.post("/widget/messages", json={"sender": web_sender(), "message": "cảm ơn"})
    assert same.status_code == 200  # the demo page and the widget on our own host


def test_cors_only_on_the_widget_api(settings: Settings, service: Service) -> None:
    with TestClient(create_app(with_channels(settings, widget=WidgetSettings(allowed_origins=["*"])), service)) as client:
        origin = {"Origin": "https://tinh.example.gov.vn"}
        preflight = client.options(
            "/widget/messages", headers={**origin, "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "content-type"}
        )
        assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        sent = client.post("/widget/messages", json={"sender": web_sender(), "message": "cảm ơn"}, headers=origin)
        assert sent.headers["access-control-allow-origin"] == "*"
        rest = client.post("/webhooks/rest/webhook", json={"sender": "rest-cors", "message": "cảm ơn"}, headers=origin)
        assert "access-control-allow-origin" not in rest.headers


def test_cors_with_a_list_of_origins(strict_client: TestClient) -> None:
    allowed = "https://dichvucong.example.gov.vn"
    ok = strict_client.options("/feedback", headers={"Origin": allowed, "Access-Control-Request-Method": "POST"})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == allowed
    refused = strict_client.options(
        "/feedback", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers


def test_feedback_is_stored(client: TestClient) -> None:
    sender = web_sender()
    response = client.post("/feedback", json={
        "sender": sender, "rating": "down", "answer": "Dạ, về thủ tục ... gọi 0912345678",
        "question": "cccd 001203004567 làm gì",
    })
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "stored" and isinstance(body["id"], int)
    assert client.post("/feedback", json={"sender": sender, "rating": "up", "answer": "Dạ, ..."}).status_code == 201
    from bot.feedback_store import SqlFeedbackStore
    from bot.service import make_engine

    service = client.app.state.service  # type: ignore[attr-defined]
    rows = SqlFeedbackStore(make_engine(service.settings.stores.tracker_url)).for_sender(sender)
    assert [(r.rating, r.channel) for r in rows] == [(-1, "widget"), (1, "widget")]
    assert "0912345678" not in rows[0].answer and rows[0].answer.endswith("******5678")
    assert rows[0].question == "cccd ********4567 làm gì"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"sender": "a", "rating": "up"}',
        b'{"sender": "a", "rating": "meh", "answer": "x"}',
        b'{"sender": "a", "rating": 1, "answer": "x"}',
        b'{"sender": "", "rating": "up", "answer": "x"}',
        b'{"sender": "a", "rating": "up", "answer": ""}',
        b'{"sender": "a", "rating": "up", "answer": "x", "channel": "Robert\'); DROP TABLE"}',
    ],
)
def test_bad_feedback_is_a_4xx_with_a_json_error(client: TestClient, body: bytes) -> None:
    response = client.post("/feedback", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 and "error" in response.json()


def test_rate_limit_on_the_widget(strict_client: TestClient) -> None:
    sender = web_sender()
    ask(strict_client, sender, "xin chào")
    ask(strict_client, sender, "cảm ơn")
    response = strict_client.post("/widget/messages", json={"sender": sender, "message": "tạm biệt"})
    assert response.status_code == 429 and response.json() == {"error": RATE_LIMITED}
    service = strict_client.app.state.service  # type: ignore[attr-defined]
    assert len([e for e in service.agent.store.retrieve(sender).events if e["event"] == "user"]) == 2
    assert ask(strict_client, web_sender(), "xin chào")  # other senders are not affected


def test_rate_limit_on_rest_is_a_429_json(strict_client: TestClient) -> None:
    for _ in range(2):
        assert strict_client.post("/webhooks/rest/webhook", json={"sender": "rest-rl", "message": "hi"}).status_code == 200
    response = strict_client.post("/webhooks/rest/webhook", json={"sender": "rest-rl", "message": "hi"})
    assert response.status_code == 429 and response.json() == {"error": RATE_LIMITED}


def test_the_widget_can_be_switched_off(settings: Settings, service: Service) -> None:
    configured = with_channels(settings, widget=WidgetSettings(enabled=False))
    with TestClient(create_app(configured, service)) as off:
        assert off.get("/widget.js").status_code == 404
        assert off.post("/widget/messages", json={"sender": web_sender(), "message": "x"}).status_code == 404
