"""What a channel adapter hands to the core and gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["BotMessage", "UserMessage"]


@dataclass(frozen=True, slots=True)
class UserMessage:
    text: str
    sender_id: str
    input_channel: str = "rest"
    message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # Whether pushes kept for this conversation (bot.pending) may come before the replies: False when
    # the channel cannot tell that the request comes from the conversation's own client.
    deliver_pending: bool = True


@dataclass(frozen=True, slots=True)
class BotMessage:
    recipient_id: str
    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)

    def as_rest(self) -> dict[str, Any]:
        """The Rasa REST channel's shape: keys present only when they hold something."""
        out: dict[str, Any] = {"recipient_id": self.recipient_id}
        if self.text is not None:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = self.buttons
        if self.custom:
            out["custom"] = self.custom
        return out
