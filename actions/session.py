"""``action_session_start`` for a Rasa server: a new session that knows the values of the responses'
placeholders.

dvcbot's domain responses name a few values that are configured, not written in the YAML
(``{hotline}``, ``{portal_lookup_url}``, ``{portal_feedback_url}``, ``{dossier_code_example}``).
dvcbot's own core fills them in; Rasa fills placeholders only from slots, so each session of a Rasa
conversation starts with these slots set (the domain declares them, without influence on the
dialogue). Rasa's own session start does the rest: no slots are carried over
(``carry_over_slots_to_new_session: false``), and the session ends with ``action_listen``.
"""

from __future__ import annotations

from actions.sdk import CollectingDispatcher, DomainDict, EventType, SlotSet, Tracker

__all__ = ["SessionStartAction"]


class SessionStartAction:
    def __init__(self, variables: dict[str, str]) -> None:
        self._variables = dict(variables)

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = (domain.get("slots") or {}) if domain else {}
        return [
            {"event": "session_started", "timestamp": None},
            *(SlotSet(name, value) for name, value in self._variables.items() if not slots or name in slots),
            {
                "event": "action",
                "timestamp": None,
                "name": "action_listen",
                "policy": None,
                "confidence": None,
            },
        ]
