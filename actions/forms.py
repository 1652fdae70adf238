"""Form validation in rasa-sdk's shape: a ``validate_<form>`` action with per-slot methods.

For each required slot the action may have ``extract_<slot>`` (take a value the NLU did not find as
an entity, e.g. from the raw text while the form asks for that slot) and ``validate_<slot>``
(check a value, return the slot events to apply). The agent runs ``validate_<form>`` before each
form step; a value set to ``None`` is asked for again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from actions.sdk import CollectingDispatcher, DomainDict, EventType, SlotSet, Tracker

__all__ = ["FormValidationAction"]

Extractor = Callable[[CollectingDispatcher, Tracker, DomainDict], Awaitable[dict[str, Any]]]
Validator = Callable[[Any, CollectingDispatcher, Tracker, DomainDict], Awaitable[dict[str, Any]]]


class FormValidationAction:
    """Subclasses set ``form_name`` and ``required_slots`` and define the methods they need."""

    form_name: ClassVar[str]
    required_slots: ClassVar[tuple[str, ...]]

    def name(self) -> str:
        return f"validate_{self.form_name}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        candidates = {k: v for k, v in tracker.slots_to_validate().items() if k in self.required_slots}
        for slot in self.required_slots:
            extract: Extractor | None = getattr(self, f"extract_{slot}", None)
            if extract is not None:
                candidates.update(await extract(dispatcher, tracker, domain))
        events: list[EventType] = []
        for slot, value in candidates.items():
            validate: Validator | None = getattr(self, f"validate_{slot}", None)
            checked = await validate(value, dispatcher, tracker, domain) if validate else {slot: value}
            events += [SlotSet(name, checked_value) for name, checked_value in checked.items()]
        return events
