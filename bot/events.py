"""Conversation events in Rasa's JSON vocabulary (``{"event": "slot", "name": ..., "value": ...}``).

Events are plain dicts so that they travel unchanged between the tracker store, the action-server
protocol and Rasa tooling.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = [
    "Event",
    "action_executed",
    "active_loop",
    "bot_uttered",
    "followup",
    "session_started",
    "slot_set",
    "user_uttered",
]

Event = dict[str, Any]


def _now() -> float:
    return time.time()


def user_uttered(
    text: str, parse_data: dict[str, Any], *, input_channel: str | None = None,
    message_id: str | None = None, metadata: dict[str, Any] | None = None,
) -> Event:
    return {
        "event": "user", "timestamp": _now(), "text": text, "parse_data": parse_data,
        "input_channel": input_channel, "message_id": message_id, "metadata": metadata or {},
    }


def bot_uttered(text: str | None, *, buttons: list[dict[str, str]] | None = None,
                custom: dict[str, Any] | None = None) -> Event:
    return {
        "event": "bot", "timestamp": _now(), "text": text,
        "data": {"buttons": buttons or None, "custom": custom or None}, "metadata": {},
    }


def slot_set(name: str, value: Any) -> Event:
    return {"event": "slot", "timestamp": _now(), "name": name, "value": value}


def action_executed(name: str, *, policy: str | None = None, confidence: float | None = None) -> Event:
    return {"event": "action", "timestamp": _now(), "name": name, "policy": policy, "confidence": confidence}


def active_loop(name: str | None) -> Event:
    return {"event": "active_loop", "timestamp": _now(), "name": name}


def session_started() -> Event:
    return {"event": "session_started", "timestamp": _now()}


def followup(name: str) -> Event:
    return {"event": "followup", "timestamp": _now(), "name": name}
