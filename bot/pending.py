"""Pushed messages for channels without push, kept in the conversation until they are delivered.

A push becomes a Rasa ``bot`` event with ``metadata: {"pending": true}`` in the sender's tracker, so
the conversation history shows it like any other bot message. It is delivered (returned before the
replies of the sender's next message, or by ``GET /webhooks/rest/pending/{sender}``) once, after which
an ``action_deliver_pending`` action event marks everything before it as delivered.
"""

from __future__ import annotations

from bot.events import Event, action_executed, bot_uttered
from bot.messages import BotMessage
from bot.tracker import DialogueStateTracker

__all__ = ["DELIVERED_ACTION", "delivered_marker", "pending_event", "undelivered"]

DELIVERED_ACTION = "action_deliver_pending"


def pending_event(message: BotMessage) -> Event:
    event = bot_uttered(message.text, buttons=message.buttons, custom=message.custom)
    event["metadata"] = {"pending": True}
    return event


def delivered_marker() -> Event:
    return action_executed(DELIVERED_ACTION)


def undelivered(tracker: DialogueStateTracker) -> list[BotMessage]:
    """Pending pushes after the last delivery marker, oldest first."""
    found: list[BotMessage] = []
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == DELIVERED_ACTION:
            break
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("pending"):
            data = event.get("data") or {}
            found.append(
                BotMessage(tracker.sender_id, event.get("text"), data.get("buttons") or [], data.get("custom") or {})
            )
    return list(reversed(found))
