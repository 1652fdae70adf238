"""Messages the bot sends on its own (dossier alerts), routed to the channel the user came from.

The core never imports a transport: a channel that can push registers a sender under the name it
puts in ``UserMessage.input_channel``::

    service.outputs.register("telegram", telegram_adapter.send)   # async (recipient_id, [BotMessage])

A channel without push (the REST channel, the shell, or any channel nobody registered) gets the
fallback: the messages wait in the conversation as pending bot events, and the next reply on that
conversation, or ``GET /webhooks/rest/pending/{sender}``, delivers them (see ``bot.pending``). Once
they are stored, ``announce`` (the service gives it the outbound bus, ``bot.coordination.bus``)
tells whichever worker holds the user's live connection — the widget's event stream
(``GET /widget/events``) — that there is something to fetch, so it arrives at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.messages import BotMessage

__all__ = ["Announce", "CollectingOutput", "OutputRegistry", "OutputSender"]

log = logging.getLogger("dvcbot.outputs")

OutputSender = Callable[[str, list[BotMessage]], Awaitable[None]]
"""Push ``messages`` to ``recipient_id`` (the ``sender_id`` the channel gave the core)."""

Announce = Callable[[str, str, int], Awaitable[None]]
"""``(channel, recipient_id, count)``: ``count`` messages were kept pending for the recipient."""


class OutputRegistry:
    """Senders keyed by input-channel name, with a fallback for channels that cannot push."""

    def __init__(self, fallback: OutputSender, *, announce: Announce | None = None) -> None:
        self._fallback = fallback
        self._announce = announce
        self._senders: dict[str, OutputSender] = {}

    def register(self, channel: str, sender: OutputSender) -> None:
        """Route pushes for ``channel`` to ``sender`` (replaces an earlier registration)."""
        self._senders[channel] = sender

    def channels(self) -> list[str]:
        return sorted(self._senders)

    def sender_for(self, channel: str | None) -> OutputSender:
        return self._senders.get(channel or "", self._fallback)

    async def send(self, channel: str | None, recipient_id: str, messages: list[BotMessage]) -> None:
        """Deliver through the channel's sender; errors propagate so the caller can try again later."""
        sender = self.sender_for(channel)
        if sender is self._fallback and channel and channel not in ("rest", ""):
            log.info("no push output for channel %r; keeping the message pending", channel)
        await sender(recipient_id, messages)
        if sender == self._fallback and self._announce is not None:  # kept pending (== : bound methods)
            try:
                await self._announce(channel or "rest", recipient_id, len(messages))
            except Exception:  # stored already: a client that polls still gets them
                log.warning("could not announce pending messages on channel %r", channel, exc_info=True)


class CollectingOutput:
    """An output that keeps what it was given (tests, and channels that batch their sends)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, BotMessage]] = []

    async def send(self, recipient_id: str, messages: list[BotMessage]) -> None:
        self.sent.extend((recipient_id, message) for message in messages)
