"""Trackers as Rasa 3.6 sends them (recorded from ``rasa run``), read the way dvcbot's core would."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from actions.rasa_tracker import RasaTrackerReader
from bot.service import Service
from tests.actions.rasa_payloads import only_rasas_extraction

PAYLOADS = Path(__file__).with_name("payloads")


def recorded(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return body


@pytest.fixture(scope="module")
def reader(service: Service) -> RasaTrackerReader:
    return RasaTrackerReader(service.interpreter, service.catalogue, service.domain)


def test_a_diet_span_becomes_the_procedure_dvcbot_resolves(
    reader: RasaTrackerReader, service: Service
) -> None:
    """DIET tagged "vừa nghỉ việc", "bảo hiểm" and "muốn nhận trợ cấp" as ``procedure``: no codes."""
    state = only_rasas_extraction(recorded("rasa_3_6_procedure_span.json")["tracker"])
    spans = [e["value"] for e in state["latest_message"]["entities"] if e["entity"] == "procedure"]
    assert spans and all(service.catalogue.get(v) is None for v in spans)
    view, corrections = reader.read(state)
    resolution = view["latest_message"]["procedure_resolution"]
    assert resolution["status"] == "resolved"
    assert service.catalogue.get(view["slots"]["procedure"]) is not None
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "procedure",
        "value": resolution["code"],
    } in corrections
    assert (
        view["latest_message"]["intent"] == state["latest_message"]["intent"]
    )  # Rasa chose the action on it
    assert all(
        service.catalogue.get(e["value"])
        for e in view["latest_message"]["entities"]
        if e["entity"] == "procedure"
    )


def test_an_unresolvable_span_clears_the_slot(reader: RasaTrackerReader) -> None:
    state = _with_message(
        recorded("rasa_3_6_procedure_span.json")["tracker"], "thủ tục kia", span="thủ tục kia"
    )
    view, corrections = reader.read(state)
    assert view["latest_message"]["procedure_resolution"]["status"] == "none"
    assert view["slots"]["procedure"] is None
    assert {"event": "slot", "timestamp": None, "name": "procedure", "value": None} in corrections


def test_the_procedure_before_the_message_is_the_context(reader: RasaTrackerReader) -> None:
    """ "thế lệ phí?" after a procedure was answered: Rasa's events say which one."""
    state = recorded("rasa_3_6_procedure_span.json")["tracker"]
    events = state["events"]
    user = max(i for i, e in enumerate(events) if e["event"] == "user")
    earlier = [{"event": "slot", "timestamp": None, "name": "procedure", "value": "work_permit_issue"}]
    state = _with_message(
        {**state, "events": events[:user] + earlier + events[user:]}, "thế lệ phí?", span="lệ phí"
    )
    view, _ = reader.read(state)
    assert view["latest_message"]["procedure_resolution"] == {
        "status": "context",
        "code": "work_permit_issue",
    }
    assert view["slots"]["procedure"] == "work_permit_issue"


def test_slots_an_action_set_after_the_message_are_not_corrected(reader: RasaTrackerReader) -> None:
    state = _with_message(
        recorded("rasa_3_6_procedure_span.json")["tracker"], "thủ tục kia", span="thủ tục kia"
    )
    state["events"] += [
        {"event": "action", "timestamp": None, "name": "procedure_form"},
        {"event": "slot", "timestamp": None, "name": "procedure", "value": "maternity_benefit"},
    ]
    state["slots"]["procedure"] = "maternity_benefit"
    view, corrections = reader.read(state)
    assert view["slots"]["procedure"] == "maternity_benefit"
    assert not [e for e in corrections if e["name"] == "procedure"]


def test_dvcbots_own_tracker_is_left_alone(reader: RasaTrackerReader) -> None:
    state = {
        "sender_id": "core",
        "slots": {"procedure": "work_permit_issue"},
        "events": [],
        "latest_message": {"text": "lệ phí", "procedure_resolution": {"status": "context"}},
    }
    assert reader.read(state) == (state, [])


def _with_message(state: dict[str, Any], text: str, *, span: str) -> dict[str, Any]:
    """The recorded tracker with another latest message, DIET tagging ``span`` as in the recording."""
    state = copy.deepcopy(state)
    start = text.find(span)
    entity = {
        "entity": "procedure",
        "start": start,
        "end": start + len(span),
        "value": span,
        "extractor": "DIETClassifier",
        "confidence_entity": 0.6,
    }
    state["latest_message"] = {**state["latest_message"], "text": text, "entities": [entity]}
    user = max(i for i, e in enumerate(state["events"]) if e["event"] == "user")
    state["events"][user] = {
        **state["events"][user],
        "text": text,
        "parse_data": {**state["events"][user]["parse_data"], "text": text, "entities": [entity]},
    }
    # Rasa's own slot extraction right after the message: the span goes into the slot.
    state["events"] = [e for i, e in enumerate(state["events"]) if not (i > user and e["event"] == "slot")]
    state["events"].insert(user + 1, {"event": "slot", "timestamp": None, "name": "procedure", "value": span})
    state["slots"] = {**state["slots"], "procedure": span}
    return state
