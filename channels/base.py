"""The two shapes every channel adapter shares: the core it calls and the sender it offers.

An adapter receives the core as ``on_message`` and never reaches past it (no NLU, database or
business rule in an adapter, as Rasa's ``InputChannel``); an adapter that can push messages on its
own (Telegram, Zalo) also offers an ``OutputSender`` so other parts of the service (dossier-status
notifications) can reach a user on the channel the user came from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.messages import BotMessage, UserMessage

__all__ = ["OnMessage", "OutputSender", "SenderSecrets"]

OnMessage = Callable[[UserMessage], Awaitable[list[BotMessage]]]
"""The core: one user message in, the bot's messages out."""

OutputSender = Callable[[str, list[BotMessage]], Awaitable[None]]
"""Push ``messages`` to a recipient id of the channel (the id the adapter put in ``sender_id``)."""


class SenderSecrets(Protocol):
    """Per-conversation secrets of a channel whose clients choose their own sender id (REST).

    The client that starts a conversation receives its secret once; only requests carrying it may
    read what the bot keeps for that conversation (pending alerts). ``bot.sender_secret_store`` is
    the implementation.
    """

    def issue(self, sender_id: str) -> str | None:
        """A new secret when ``sender_id`` has none yet (the first turn), else ``None``."""
        ...

    def verify(self, sender_id: str, secret: str) -> bool:
        """Whether ``secret`` is the one issued for ``sender_id`` (constant time)."""
        ...

    def verify_in_memory(self, sender_id: str, secret: str) -> bool | None:
        """``verify`` without blocking (no database read), or ``None`` when it cannot tell so."""
        ...
