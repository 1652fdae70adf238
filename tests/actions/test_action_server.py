"""The rasa-sdk action-server protocol, as a Rasa server would call it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def tracker(slots: dict[str, object], intent: str = "ask_fee") -> dict[str, object]:
    return {
        "sender_id": "rasa-user",
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


def call(client: TestClient, action: str, slots: dict[str, object]) -> dict[str, object]:
    response = client.post(
        "/webhook",
        json={"next_action": action, "sender_id": "rasa-user", "tracker": tracker(slots), "domain": {}, "version": "3.6.0"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_answer_from_the_catalogue(client: TestClient) -> None:
    body = call(client, "action_procedure_fee", {"procedure": "work_permit_issue"})
    assert set(body) == {"events", "responses"}
    (response, *_) = body["responses"]  # type: ignore[misc]
    assert "Cấp giấy phép lao động" in response["text"]
    assert {"text", "buttons", "custom", "template", "response", "image", "attachment", "elements"} <= set(response)
    assert {"event": "slot", "timestamp": None, "name": "last_aspect", "value": "ask_fee"} in body["events"]  # type: ignore[operator]


def test_missing_procedure_starts_the_form(client: TestClient) -> None:
    body = call(client, "action_procedure_documents", {"procedure": None})
    events = body["events"]
    assert {"event": "followup", "timestamp": None, "name": "procedure_form"} in events  # type: ignore[operator]
    assert body["responses"] == []


def test_unknown_action_is_404(client: TestClient) -> None:
    response = client.post("/webhook", json={"next_action": "action_nope", "tracker": tracker({}), "domain": {}})
    assert response.status_code == 404
    assert response.json() == {"error": "No registered action found for name 'action_nope'.", "action_name": "action_nope"}


def test_bad_call_is_422(client: TestClient) -> None:
    response = client.post("/webhook", json={"tracker": {}})
    assert response.status_code == 422 and "error" in response.json()


def test_actions_are_listed(client: TestClient) -> None:
    names = {a["name"] for a in client.get("/actions").json()}
    assert {"action_procedure_fee", "action_list_procedures", "action_clarify"} <= names
