"""The one way a staff message reaches a citizen: ``deliver``.

Through the service's output registry (``bot.outputs``), as dossier alerts do: a channel that can
push (Telegram, Zalo) sends at once and the message is recorded in the conversation through the
tracker store's public ``append``; a channel that cannot (REST, the widget) keeps it pending in the
conversation, which records it too, until the client fetches it. A later cross-worker transport
(Redis pub/sub) replaces the body of this function, not its callers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bot.events import bot_uttered
from bot.messages import BotMessage

if TYPE_CHECKING:
    from bot.service import Service

__all__ = ["deliver", "staff_message"]


def staff_message(sender_id: str, text: str, *, staff_name: str | None, kind: str) -> BotMessage:
    """A message from the call centre: ``kind`` is ``agent`` (typed by staff) or ``notice``."""
    custom: dict[str, Any] = {"handoff": {"kind": kind}}
    if staff_name:
        custom["handoff"]["agent"] = staff_name
    return BotMessage(sender_id, text, custom=custom)


async def deliver(service: Service, channel: str | None, sender_id: str, messages: list[BotMessage]) -> None:
    """Send ``messages`` to ``sender_id`` on ``channel`` and keep them in the conversation's record.

    Errors propagate: the caller tells the agent the message did not go out."""
    outputs = service.outputs
    if outputs is None:
        await service.agent.push_pending(sender_id, messages)
        return
    pending_only = outputs.sender_for(channel) == service.agent.push_pending
    await outputs.send(channel, sender_id, messages)
    if not pending_only:
        # Pushed past the core: record what the citizen was sent, as every bot message is.
        events = [bot_uttered(m.text, buttons=m.buttons, custom=m.custom) for m in messages]
        await asyncio.to_thread(service.agent.store.append, sender_id, events)
