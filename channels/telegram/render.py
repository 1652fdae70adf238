"""The core's ``BotMessage`` as Telegram messages: text parts under 4096 characters, buttons as an
inline keyboard whose ``callback_data`` is the button's payload.

Telegram refuses ``callback_data`` over 64 bytes, and the core's payloads (``/ask_fee{"procedure":
"work_permit_issue"}``) can be longer; such a payload travels as ``#`` + a short hash, and
``PayloadCodes`` remembers which payload a hash stands for (in-process, bounded, oldest forgotten
first). A click on a forgotten hash gets a polite "this choice expired" instead of a guess.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.messages import BotMessage
from channels.text_split import split_text

__all__ = ["PayloadCodes", "TelegramPart", "render"]

MAX_CALLBACK_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
CHOOSE_PROMPT = "Anh/chị vui lòng chọn:"
_CODE_PREFIX = "#"


class PayloadCodes:
    """Payload ↔ ``callback_data`` within Telegram's 64-byte limit."""

    def __init__(self, max_items: int = 20_000) -> None:
        self._max = max_items
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(_CODE_PREFIX):
            return payload
        code = _CODE_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._payloads[code] = payload
        self._payloads.move_to_end(code)
        while len(self._payloads) > self._max:
            self._payloads.popitem(last=False)
        return code

    def decode(self, data: str) -> str | None:
        """The payload behind ``data``; ``None`` for a code this process no longer knows."""
        if not data.startswith(_CODE_PREFIX):
            return data
        return self._payloads.get(data)


@dataclass(frozen=True, slots=True)
class TelegramPart:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def render(message: BotMessage, codes: PayloadCodes) -> list[TelegramPart]:
    """One ``BotMessage`` → the Telegram messages that show it; the keyboard rides on the last part."""
    parts = split_text(message.text or "", MAX_TEXT)
    keyboard = None
    if message.buttons:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(b["title"], callback_data=codes.encode(b["payload"]))] for b in message.buttons]
        )
        if not parts:
            parts = [CHOOSE_PROMPT]
    rendered = [TelegramPart(text) for text in parts]
    if keyboard is not None:
        rendered[-1] = TelegramPart(rendered[-1].text, keyboard)
    return rendered
