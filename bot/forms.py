"""Forms: ask for each required slot in turn (``utter_ask_<slot>``), then hand over to the rules."""

from __future__ import annotations

from bot.domain import Domain
from bot.events import Event, active_loop, slot_set
from bot.tracker import DialogueStateTracker

__all__ = ["run_form"]


def run_form(form: str, tracker: DialogueStateTracker, domain: Domain) -> tuple[list[Event], str | None]:
    """Events of one form step, and the response to utter (``None`` when the form is complete)."""
    events: list[Event] = []
    if tracker.active_loop != form:
        events.append(active_loop(form))
    missing = next((slot for slot in domain.forms.get(form, []) if tracker.get_slot(slot) in (None, "")), None)
    if missing is not None:
        events.append(slot_set("requested_slot", missing))
        return events, f"utter_ask_{missing}"
    events += [active_loop(None), slot_set("requested_slot", None)]
    return events, None
