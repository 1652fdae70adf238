"""The rasa-sdk action-server protocol, as a Rasa server would call it, and who may call it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import ActionServerSettings, Settings

TOKEN = "action-server-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROCESSING = "000.00.15.H29-240312-0042"


@pytest.fixture(scope="module")
def action_client(settings: Settings, service: Service) -> Iterator[TestClient]:
    """The app with the action server switched on by a shared token, as a Rasa deployment sets it."""
    configured = settings.model_copy(update={"action_server": ActionServerSettings(token=TOKEN)})
    with TestClient(create_app(configured, service)) as test_client:
        yield test_client


def tracker(slots: dict[str, object], intent: str = "ask_fee", sender: str = "rasa-user") -> dict[str, object]:
    return {
        "sender_id": sender,
        "slots": slots,
        "latest_message": {"text": "lệ phí bao nhiêu", "intent": {"name": intent, "confidence": 0.98}, "entities": []},
        "latest_event_time": 1700000000.0,
        "followup_action": None,
        "paused": False,
        "events": [],
        "latest_input_channel": "rest",
        "active_loop": {},
        "latest_action": {"action_name": "action_listen"},
    }


def call(client: TestClient, action: str, slots: dict[str, object], sender: str = "rasa-user") -> dict[str, object]:
    response = client.post(
        "/webhook",
        json={"next_action": action, "sender_id": sender, "tracker": tracker(slots, sender=sender), "domain": {},
              "version": "3.6.0"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_answer_from_the_catalogue(action_client: TestClient) -> None:
    body = call(action_client, "action_procedure_fee", {"procedure": "work_permit_issue"})
    assert set(body) == {"events", "responses"}
    (response, *_) = body["responses"]  # type: ignore[misc]
    assert "Cấp giấy phép lao động" in response["text"]
    assert {"text", "buttons", "custom", "template", "response", "image", "attachment", "elements"} <= set(response)
    assert {"event": "slot", "timestamp": None, "name": "last_aspect", "value": "ask_fee"} in body["events"]  # type: ignore[operator]


def test_missing_procedure_starts_the_form(action_client: TestClient) -> None:
    body = call(action_client, "action_procedure_documents", {"procedure": None})
    events = body["events"]
    assert {"event": "followup", "timestamp": None, "name": "procedure_form"} in events  # type: ignore[operator]
    assert body["responses"] == []


def test_unknown_action_is_404(action_client: TestClient) -> None:
    response = action_client.post(
        "/webhook", json={"next_action": "action_nope", "tracker": tracker({}), "domain": {}}, headers=AUTH
    )
    assert response.status_code == 404
    assert response.json() == {"error": "No registered action found for name 'action_nope'.", "action_name": "action_nope"}


def test_bad_call_is_422(action_client: TestClient) -> None:
    response = action_client.post("/webhook", json={"tracker": {}}, headers=AUTH)
    assert response.status_code == 422 and "error" in response.json()


def test_actions_are_listed(action_client: TestClient) -> None:
    names = {a["name"] for a in action_client.get("/actions", headers=AUTH).json()}
    assert {"action_procedure_fee", "action_list_procedures", "action_clarify"} <= names


# Who may call it ------------------------------------------------------------------------------------
def test_the_action_server_is_off_without_a_token(client: TestClient) -> None:
    body = {"next_action": "action_procedure_fee", "tracker": tracker({"procedure": "work_permit_issue"}), "domain": {}}
    assert client.post("/webhook", json=body).status_code == 404
    assert client.get("/actions").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong", "no-scheme", "basic"],
)
def test_calls_without_the_token_are_refused(action_client: TestClient, headers: dict[str, str]) -> None:
    body = {"next_action": "action_procedure_fee", "tracker": tracker({"procedure": "work_permit_issue"}), "domain": {}}
    response = action_client.post("/webhook", json=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "missing or wrong action-server token"}
    assert action_client.get("/actions", headers=headers).status_code == 401
    assert action_client.post("/webhook", json={"tracker": {}}, headers=headers).status_code == 401


def test_a_forged_verified_dossier_slot_subscribes_nobody(action_client: TestClient, service: Service) -> None:
    """The reported attack: a tracker whose slots claim a verification the bot never made."""
    assert service.dossier is not None
    attacker = f"attacker-{uuid.uuid4().hex[:8]}"
    body = call(
        action_client, "action_subscribe_dossier_status",
        {"verified_dossier": {"code": PROCESSING, "status": "processing"}}, sender=attacker,
    )
    assert {"event": "followup", "timestamp": None, "name": "action_check_dossier_status"} in body["events"]  # type: ignore[operator]
    (response,) = body["responses"]  # type: ignore[misc]
    assert response["response"] == "utter_dossier_alert_needs_lookup"
    subscribers = {s.sender_id for s in service.dossier.deps.subscriptions.active_for(code=PROCESSING)}
    assert attacker not in subscribers
