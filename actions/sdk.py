"""The rasa-sdk shapes that custom actions use: ``Tracker``, ``CollectingDispatcher``, ``Action``.

Actions written for rasa-sdk port over by changing the import; the same classes back the
action-server endpoint, so local and remote execution share one code path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

__all__ = [
    "Action",
    "ActiveLoop",
    "CollectingDispatcher",
    "DomainDict",
    "EventType",
    "FollowupAction",
    "SlotSet",
    "Tracker",
]

EventType = dict[str, Any]
DomainDict = dict[str, Any]


def SlotSet(key: str, value: Any = None) -> EventType:
    return {"event": "slot", "timestamp": None, "name": key, "value": value}


def FollowupAction(name: str) -> EventType:
    return {"event": "followup", "timestamp": None, "name": name}


def ActiveLoop(name: str | None) -> EventType:
    return {"event": "active_loop", "timestamp": None, "name": name}


class Tracker:
    """Read-only view of a conversation, built from the tracker JSON of the protocol."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.sender_id: str = str(state.get("sender_id", ""))
        self.slots: dict[str, Any] = dict(state.get("slots") or {})
        self.latest_message: dict[str, Any] = dict(state.get("latest_message") or {})
        self.events: list[EventType] = list(state.get("events") or [])
        self.active_loop: dict[str, Any] = dict(state.get("active_loop") or {})
        self.latest_action_name: str | None = state.get("latest_action_name")
        self.latest_input_channel: str | None = state.get("latest_input_channel")

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Tracker:
        return cls(state)

    def get_slot(self, key: str) -> Any:
        return self.slots.get(key)

    def get_intent_of_latest_message(self) -> str | None:
        intent = self.latest_message.get("intent") or {}
        return intent.get("name") if isinstance(intent, dict) else None

    def get_latest_entity_values(self, entity_type: str) -> Iterator[str]:
        return (e["value"] for e in self.latest_message.get("entities") or [] if e.get("entity") == entity_type)

    @property
    def active_loop_name(self) -> str | None:
        return self.active_loop.get("name")

    def slots_to_validate(self) -> dict[str, Any]:
        """Slots set since the user's latest message, with their current values (rasa-sdk's name)."""
        changed: dict[str, Any] = {}
        for event in reversed(self.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "slot":
                changed.setdefault(str(event.get("name")), self.slots.get(str(event.get("name"))))
        return changed


class CollectingDispatcher:
    """Collects what an action says; ``messages`` is the ``responses`` list of the protocol."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(
        self,
        text: str | None = None,
        *,
        buttons: list[dict[str, str]] | None = None,
        response: str | None = None,
        custom: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.messages.append(
            {
                "text": text,
                "buttons": buttons or [],
                "elements": [],
                "custom": custom or {},
                "template": response,
                "response": response,
                "image": None,
                "attachment": None,
                **kwargs,
            }
        )


class Action(Protocol):
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]: ...
