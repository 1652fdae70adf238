from bot.events import action_executed, active_loop, session_started, slot_set, user_uttered
from bot.privacy import mask_numbers, redact_event
from bot.tracker import DialogueStateTracker


def test_replay_rebuilds_state() -> None:
    events = [
        session_started(),
        user_uttered("gplđ", {"intent": {"name": "inform", "confidence": 0.9}, "entities": []}),
        slot_set("procedure", "work_permit_issue"),
        active_loop("procedure_form"),
        action_executed("procedure_form"),
    ]
    tracker = DialogueStateTracker("u", ["procedure"], events=events)
    assert tracker.get_slot("procedure") == "work_permit_issue"
    assert tracker.active_loop == "procedure_form"
    assert tracker.latest_message["intent"]["name"] == "inform"
    state = tracker.current_state()
    assert state["active_loop"] == {"name": "procedure_form"}
    assert state["latest_action_name"] == "procedure_form"
    tracker.update(session_started())
    assert tracker.get_slot("procedure") is None and tracker.active_loop is None


def test_numbers_are_masked() -> None:
    assert mask_numbers("cccd 001203004567, sđt 0912 345 678") == "cccd ********4567, sđt ******5678"
    assert mask_numbers("mã 000.00.15.H29-240312-0042") == "mã 000.00.15.H29-240312-0042"


def test_stored_events_hold_no_full_numbers() -> None:
    event = user_uttered(
        "sđt em 0912345678",
        {"text": "sđt em 0912345678", "entities": [{"entity": "phone_number", "value": "0912345678"}]},
    )
    clean = redact_event(event)
    assert "0912345678" not in str(clean)
    assert event["text"] == "sđt em 0912345678"  # the live event is untouched
    assert redact_event(slot_set("id_number", "001203004567"))["value"] == "********4567"
