"""The rasa-sdk action-server protocol, as a Rasa server would call it, and who may call it."""

from __future__ import annotations

import copy
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from actions.server import TokenMaskingFilter
from bot.api.app import create_app
from bot.service import Service
from bot.settings import ActionServerSettings, Settings
from tests.actions.rasa_payloads import only_rasas_extraction

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


# Rasa 3.6 as the caller (requests recorded from `rasa run`; tests/rasa plays whole conversations) --
DOMAIN_FILE = Path(__file__).resolve().parents[2] / "bot/data/domain.yml"
PAYLOADS = Path(__file__).with_name("payloads")
# The events an action may return that Rasa applies; dvcbot's actions need no others.
RASA_ACTION_EVENTS = {"slot", "followup", "active_loop", "session_started", "action"}


def rasa_call(name: str, action: str, *, text: str | None = None, span: str | None = None) -> dict[str, Any]:
    """A recorded Rasa request for ``action``; ``text``/``span``: another message, DIET tagging ``span``."""
    body: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    body = {**body, "next_action": action, "sender_id": f"rasa-{uuid.uuid4().hex[:8]}"}
    tracker_state = copy.deepcopy(body["tracker"])
    tracker_state["sender_id"] = body["sender_id"]
    if text is not None:
        entities = []
        if span:
            start = text.find(span)
            entities = [{"entity": "procedure", "start": start, "end": start + len(span), "value": span,
                         "extractor": "DIETClassifier"}]
        tracker_state["latest_message"] = {**tracker_state["latest_message"], "text": text, "entities": entities}
        user = max(i for i, e in enumerate(tracker_state["events"]) if e["event"] == "user")
        tracker_state["events"] = tracker_state["events"][: user + 1]
        tracker_state["events"][user] = {**tracker_state["events"][user], "text": text}
        if span:
            tracker_state["events"].append({"event": "slot", "timestamp": None, "name": "procedure", "value": span})
        tracker_state["slots"] = {**tracker_state["slots"], "procedure": span}
    body["tracker"] = tracker_state
    return body


def post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/webhook", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def final_slot(events: list[dict[str, Any]], name: str, default: Any = "unset") -> Any:
    values = [e["value"] for e in events if e["event"] == "slot" and e["name"] == name]
    return values[-1] if values else default


def test_every_action_the_domain_names_is_served(action_client: TestClient) -> None:
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    declared = set(domain["actions"])
    assert {"validate_procedure_form", "validate_dossier_form", "action_session_start"} <= declared
    served = {a["name"] for a in action_client.get("/actions", headers=AUTH).json()}
    assert declared <= served, f"declared but not served: {sorted(declared - served)}"
    slots, runnable = set(domain["slots"]), declared | set(domain["forms"])
    for action in sorted(declared):
        answer = post(action_client, rasa_call("rasa_3_6_procedure_span.json", action))
        for event in answer["events"]:
            assert event["event"] in RASA_ACTION_EVENTS, (action, event)
            if event["event"] == "slot":
                assert event["name"] in slots, (action, event)
            if event["event"] == "followup":
                assert event["name"] in runnable, (action, event)
        for message in answer["responses"]:
            assert message.get("text") or message.get("response") in domain["responses"], (action, message)


def test_a_span_of_rasas_extractor_is_answered_as_the_procedure_it_names(
    action_client: TestClient, service: Service
) -> None:
    """The recorded turn: "tôi vừa nghỉ việc sau 3 năm đóng bảo hiểm, muốn nhận trợ cấp thì cần gì"."""
    body = rasa_call("rasa_3_6_procedure_span.json", "action_procedure_documents")
    body["tracker"] = only_rasas_extraction(body["tracker"])
    assert body["tracker"]["slots"]["procedure"] == "muốn nhận trợ cấp"
    answer = post(action_client, body)
    code = final_slot(answer["events"], "procedure")
    assert service.catalogue.get(code) is not None
    assert not [e for e in answer["events"] if e["event"] == "followup"]
    assert service.catalogue.get(code).name in answer["responses"][0]["text"]  # type: ignore[union-attr]


def test_an_unresolvable_span_goes_to_the_form_empty(action_client: TestClient) -> None:
    body = rasa_call("rasa_3_6_procedure_span.json", "action_procedure_documents", text="thủ tục kia",
                     span="thủ tục kia")
    answer = post(action_client, body)
    assert final_slot(answer["events"], "procedure") is None
    assert {"event": "followup", "timestamp": None, "name": "procedure_form"} in answer["events"]


def test_the_form_validator_refuses_an_unresolvable_span(action_client: TestClient) -> None:
    """Rasa's form activation: the prefilled span follows the form's own action event."""
    body = rasa_call("rasa_3_6_procedure_span.json", "validate_procedure_form", text="thủ tục kia",
                     span="thủ tục kia")
    body["tracker"]["events"] += [
        {"event": "action", "timestamp": None, "name": "procedure_form"},
        {"event": "slot", "timestamp": None, "name": "procedure", "value": "thủ tục kia"},
    ]
    answer = post(action_client, body)
    assert answer["events"] == [{"event": "slot", "timestamp": None, "name": "procedure", "value": None}]


def test_the_form_validator_reads_the_answer_to_its_question(action_client: TestClient) -> None:
    """The form asked "thủ tục nào?"; Rasa extracted nothing from "trợ cấp thất nghiệp"."""
    body = rasa_call("rasa_3_6_procedure_span.json", "validate_procedure_form", text="hưởng trợ cấp thất nghiệp")
    body["tracker"]["latest_message"]["intent"] = {"name": "inform", "confidence": 0.4}
    body["tracker"]["active_loop"] = {"name": "procedure_form", "validate": True, "rejected": False}
    body["tracker"]["slots"]["requested_slot"] = "procedure"
    answer = post(action_client, body)
    assert final_slot(answer["events"], "procedure") == "unemployment_benefit"


def test_answer_pending_after_the_form_never_hands_back_to_it(action_client: TestClient) -> None:
    body = rasa_call("rasa_3_6_procedure_span.json", "action_answer_pending", text="thủ tục kia", span="thủ tục kia")
    body["tracker"]["slots"]["pending_aspect"] = "ask_fee"
    body["tracker"]["latest_action_name"] = "procedure_form"
    body["tracker"]["events"].append({"event": "action", "timestamp": None, "name": "procedure_form"})
    answer = post(action_client, body)
    assert not [e for e in answer["events"] if e["event"] == "followup"]
    assert [m["response"] for m in answer["responses"]] == ["utter_ask_procedure"]


def test_the_session_start_sets_the_placeholders(action_client: TestClient, settings: Settings) -> None:
    body = rasa_call("rasa_3_6_procedure_span.json", "action_session_start")
    assert "hotline" not in body["domain"]["slots"]  # recorded before the domain declared them
    assert not [e for e in post(action_client, body)["events"] if e["event"] == "slot"]
    body["domain"]["slots"] = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["slots"]
    events = post(action_client, body)["events"]
    assert events[0]["event"] == "session_started" and events[-1] == {
        "event": "action", "timestamp": None, "name": "action_listen", "policy": None, "confidence": None
    }
    assert final_slot(events, "hotline") == settings.support.hotline
    assert final_slot(events, "dossier_code_example") == settings.dossier.code.example


def test_domain_responses_carry_their_placeholder_values(action_client: TestClient, settings: Settings) -> None:
    body = rasa_call("rasa_3_6_procedure_span.json", "action_clarify")
    body["tracker"]["latest_message"]["intent_ranking"] = []
    (message,) = post(action_client, body)["responses"]
    assert message["response"] == "utter_ask_rephrase" and message["hotline"] == settings.support.hotline


def test_a_recorded_dossier_lookup_answers_the_status(action_client: TestClient) -> None:
    body = rasa_call("rasa_3_6_show_dossier_status.json", "action_show_dossier_status")
    answer = post(action_client, body)
    assert "000.00.15.H29-240312-0042" in answer["responses"][0]["text"]
    assert final_slot(answer["events"], "verification_digits") is None


def test_rasas_token_parameter_is_accepted(action_client: TestClient) -> None:
    """``token: <token>`` in endpoints.yml: Rasa sends ``?token=<token>``."""
    body = rasa_call("rasa_3_6_procedure_span.json", "action_procedure_fee")
    assert action_client.post(f"/webhook?token={TOKEN}", json=body).status_code == 200
    assert action_client.post("/webhook?token=wrong", json=body).status_code == 401
    assert action_client.get(f"/actions?token={TOKEN}").status_code == 200


def test_the_token_in_a_url_is_masked_in_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/webhook?token={TOKEN}&x=1", "1.1", 200), None,
    )
    TokenMaskingFilter().filter(record)
    assert TOKEN not in record.getMessage() and "/webhook?token=***&x=1" in record.getMessage()


@pytest.mark.parametrize(
    "tracker_state",
    [{"latest_message": "lệ phí"}, {"events": [1, 2]}, {"slots": ["procedure"]},
     {"latest_message": {"text": "lệ phí", "entities": ["procedure"]}}],
    ids=["message", "events", "slots", "entities"],
)
def test_a_malformed_tracker_is_422(action_client: TestClient, tracker_state: dict[str, Any]) -> None:
    response = action_client.post(
        "/webhook", json={"next_action": "action_procedure_fee", "tracker": tracker_state}, headers=AUTH
    )
    assert response.status_code == 422 and "error" in response.json()


def test_a_slot_event_without_a_name_is_not_replayed(action_client: TestClient) -> None:
    body = rasa_call("rasa_3_6_procedure_span.json", "action_procedure_fee")
    body["tracker"]["events"].insert(0, {"event": "slot", "value": "work_permit_issue"})
    assert post(action_client, body)["responses"]
