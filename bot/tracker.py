"""The state of one conversation: rebuilt by replaying its events, or restored from a snapshot.

A store keeps, per conversation, a bounded snapshot (``snapshot()``: slots, active form, latest
message and action, and the most recent events) with a version, so a turn reads one row instead of
replaying the whole history; ``DialogueStateTracker.restore`` rebuilds the tracker from it. ``version``
is the snapshot's version when the tracker was read (0: never stored): the store refuses to write a
turn over a newer one (``bot.tracker_store.StaleTracker``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.events import Event

__all__ = ["RECENT_EVENTS", "DialogueStateTracker"]

# Events a snapshot keeps (a turn makes about eight): enough for every look back the dialogue makes
# (the latest user message, the pushes since the last delivery, the slots set this turn).
RECENT_EVENTS = 200


@dataclass(slots=True)
class DialogueStateTracker:
    sender_id: str
    slot_names: list[str]
    events: list[Event] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None
    latest_message: dict[str, Any] = field(default_factory=dict)
    latest_action_name: str | None = None
    followup_action: str | None = None
    latest_input_channel: str | None = None
    version: int = 0
    # The store's own note of the recent events as it read them: their JSON text and how many there
    # are, so a turn's write appends its events to that text instead of serialising all of them again.
    stored_recent: tuple[str, int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        replay, self.events = self.events, []
        self._reset_state()
        for event in replay:
            self.update(event)

    def _reset_state(self) -> None:
        self.slots = {name: None for name in self.slot_names}
        self.active_loop = None
        self.followup_action = None

    def update(self, event: Event) -> None:
        """Append ``event`` and apply what it means to the state."""
        self.events.append(event)
        kind = event.get("event")
        if kind == "user":
            self.latest_message = {"text": event.get("text"), **(event.get("parse_data") or {})}
            self.latest_input_channel = event.get("input_channel")
            self.latest_action_name = "action_listen"
        elif kind == "slot":
            self.slots[str(event["name"])] = event.get("value")
        elif kind == "active_loop":
            self.active_loop = event.get("name")
        elif kind == "action":
            self.latest_action_name = event.get("name")
            if self.followup_action == event.get("name"):
                self.followup_action = None
        elif kind == "followup":
            self.followup_action = event.get("name")
        elif kind in ("session_started", "restart"):
            self._reset_state()
        elif kind == "reset_slots":
            self.slots = {name: None for name in self.slot_names}

    def snapshot(self) -> dict[str, Any]:
        """What ``restore`` needs, as JSON: the state and the most recent events."""
        return {
            "slots": dict(self.slots),
            "active_loop": self.active_loop,
            "latest_message": self.latest_message,
            "latest_action_name": self.latest_action_name,
            "followup_action": self.followup_action,
            "latest_input_channel": self.latest_input_channel,
        }

    @classmethod
    def restore(
        cls, sender_id: str, slot_names: list[str], state: dict[str, Any], recent: list[Event], version: int
    ) -> DialogueStateTracker:
        """The tracker a snapshot describes, without replaying anything."""
        tracker = cls(sender_id, slot_names, version=version)
        stored = state.get("slots") or {}
        tracker.slots = {name: stored.get(name) for name in slot_names} | {
            name: value for name, value in stored.items() if name not in slot_names
        }
        tracker.active_loop = state.get("active_loop")
        tracker.latest_message = state.get("latest_message") or {}
        tracker.latest_action_name = state.get("latest_action_name")
        tracker.followup_action = state.get("followup_action")
        tracker.latest_input_channel = state.get("latest_input_channel")
        tracker.events = list(recent)
        return tracker

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def last_event_time(self) -> float | None:
        return self.events[-1].get("timestamp") if self.events else None

    def current_state(self) -> dict[str, Any]:
        """The tracker JSON that Rasa sends to an action server."""
        return {
            "sender_id": self.sender_id,
            "slots": dict(self.slots),
            "latest_message": self.latest_message,
            "latest_event_time": self.last_event_time,
            "followup_action": self.followup_action,
            "paused": False,
            "events": list(self.events),
            "latest_input_channel": self.latest_input_channel,
            "active_loop": {"name": self.active_loop} if self.active_loop else {},
            "latest_action": {"action_name": self.latest_action_name},
            "latest_action_name": self.latest_action_name,
        }

    def bot_events_since_last_user(self) -> list[Event]:
        out: list[Event] = []
        for event in reversed(self.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "bot":
                out.append(event)
        return list(reversed(out))
