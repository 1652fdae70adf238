"""Reading a tracker that Rasa sent: what dvcbot's own core works out before any action runs.

dvcbot's actions rely on the dialogue core for two things that a Rasa server does not provide:
which procedure the user means (``latest_message["procedure_resolution"]``, see ``bot.slots``) and
slots that hold only catalogue codes. Rasa's tracker has neither: its ``procedure`` slot holds
whatever span its own extractor tagged — "nghỉ việc sau 3 năm đóng bảo hiểm" from DIET is no
catalogue code — and its ``latest_message`` has only Rasa's intent and entities.

``RasaTrackerReader.read`` turns such a tracker into the one dvcbot's core would have built: it
reads the message with dvcbot's NLU, resolves the procedure against the conversation as it stood
before the message (replayed from the events), keeps Rasa's intent (Rasa chose the action on it)
and returns the slot corrections as ``SlotSet`` events, so Rasa's tracker ends up holding what the
actions answered about. Slots an action already set since the message are the actions' decisions
and are never corrected. A tracker that already carries ``procedure_resolution`` (dvcbot's own
core) is returned as it is.
"""

from __future__ import annotations

from typing import Any

from actions.sdk import EventType, SlotSet
from bot.domain import Domain
from bot.slots import NOT_IN_CATALOGUE, extract_slots, resolve_procedure
from bot.tracker import DialogueStateTracker
from knowledge.catalogue import ProcedureCatalogue
from nlu.interpreter import Interpreter

__all__ = ["RasaTrackerReader", "TrackerView"]

TrackerView = tuple[dict[str, Any], list[EventType]]  # (the state the actions see, slot corrections)

# dvcbot's own parse fields kept in the view; the intent stays Rasa's, since Rasa picked the action.
_RASA_KEEPS = ("intent", "intent_ranking", "message_id", "metadata")
_DROPPED = ("additional_intents",)  # dvcbot's multi-question reading: Rasa runs one action per intent


class RasaTrackerReader:
    """Builds dvcbot's view of a Rasa tracker; ``interpreter`` is the model ``dvcbot run`` serves."""

    def __init__(self, interpreter: Interpreter, catalogue: ProcedureCatalogue, domain: Domain) -> None:
        self._interpreter = interpreter
        self._catalogue = catalogue
        self._domain = domain

    def read(self, state: dict[str, Any]) -> TrackerView:
        latest = dict(state.get("latest_message") or {})
        text = str(latest.get("text") or "")
        if "procedure_resolution" in latest or not text:
            return state, []
        events = [e for e in state.get("events") or [] if _well_formed(e)]
        before = self._before_latest_message(
            events, dict(state.get("slots") or {}), str(state.get("sender_id") or "")
        )
        parse = self._merged_parse(latest, text)
        resolution = resolve_procedure(parse, before, self._interpreter)
        parse["procedure_resolution"] = resolution
        wanted = {e["name"]: e.get("value") for e in extract_slots(parse, resolution, before, self._domain)}
        wanted["procedure"] = self._turn_procedure(resolution, before)
        slots = dict(state.get("slots") or {})
        decided = _set_by_actions_since_message(events)
        corrections = [
            SlotSet(name, value)
            for name, value in wanted.items()
            if name in slots and name not in decided and slots.get(name) != value
        ]
        for event in corrections:
            slots[event["name"]] = event["value"]
        return {**state, "slots": slots, "latest_message": parse}, corrections

    def _before_latest_message(
        self, events: list[EventType], slots: dict[str, Any], sender_id: str
    ) -> DialogueStateTracker:
        """The conversation as it stood when the latest message arrived: Rasa's events replayed up to
        it, or, for a caller that sends no events, the slots as they are."""
        last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
        tracker = DialogueStateTracker(sender_id, self._domain.slot_names, events=events[:last_user])
        if last_user is None:
            tracker.slots.update({k: v for k, v in slots.items() if k in tracker.slots})
        for name in ("procedure", "previous_procedure"):
            value = tracker.get_slot(name)
            if value is not None and self._catalogue.get(str(value)) is None:
                tracker.slots[name] = None  # a span Rasa tagged earlier, never resolved: no context
        return tracker

    def _merged_parse(self, latest: dict[str, Any], text: str) -> dict[str, Any]:
        """dvcbot's reading of the text with Rasa's intent; Rasa's entities kept where dvcbot has
        none of that kind and, for ``procedure``, only when the value is a catalogue code."""
        parse = self._interpreter.parse(text).as_parse_result()
        for key in _DROPPED:
            parse.pop(key, None)
        parse.update({key: latest[key] for key in _RASA_KEEPS if latest.get(key) is not None})
        parse["text"] = text
        ours = list(parse.get("entities") or [])
        kinds = {e.get("entity") for e in ours}
        theirs = [
            e
            for e in latest.get("entities") or []
            if e.get("entity") not in kinds
            and (e.get("entity") != "procedure" or self._catalogue.get(str(e.get("value"))) is not None)
        ]
        parse["entities"] = ours + theirs
        return parse

    def _turn_procedure(self, resolution: dict[str, Any], before: DialogueStateTracker) -> str | None:
        """The catalogue code the conversation is about after this message, as dvcbot's core keeps it."""
        status = resolution.get("status")
        if status in ("resolved", "switched", "context"):
            return str(resolution["code"])
        if status == NOT_IN_CATALOGUE:
            return None
        return before.get_slot("procedure")  # ambiguous or nothing named: what it was


def _set_by_actions_since_message(events: list[EventType]) -> set[str]:
    """Slots that an action set after the latest user message (Rasa's own slot extraction comes
    right after the message, before any action; a form's validation candidates follow the form's
    own action event but are set again by the validator's answer, which comes later)."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return set()
    decided: set[str] = set()
    acted = False
    for event in events[last_user + 1 :]:
        kind = event.get("event")
        if kind == "action":
            acted = True
        elif kind == "slot" and acted:
            decided.add(str(event.get("name")))
    return decided


def _well_formed(event: EventType) -> bool:
    """An event the replay can apply: a slot event names its slot (anything else Rasa sends is kept)."""
    kind = event.get("event")
    return isinstance(kind, str) and (kind != "slot" or isinstance(event.get("name"), str))
