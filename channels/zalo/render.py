"""The core's messages as Zalo texts, with buttons as numbered choices the user answers by number.

Zalo's consultation messages carry no quick replies, so the buttons of a reply are listed under
its text (``1. Cấp giấy phép lao động…``) and ``ChoiceMemory`` keeps, per user, the buttons of the
last reply; a message that is just one of those numbers ("2", " 2. ") is the click of that button.
A later reply without buttons clears them, so an old list never captures a number typed later.
Texts are split under Zalo's 2,000-character limit.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from bot.messages import BotMessage
from channels.text_split import split_text

__all__ = ["CHOICES_HEADER", "MAX_TEXT", "ChoiceMemory", "render_replies"]

MAX_TEXT = 2000
CHOICES_HEADER = "Anh/chị trả lời bằng số để chọn:"
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def render_replies(messages: list[BotMessage]) -> tuple[list[str], list[dict[str, str]]]:
    """The texts to send, in order, and the buttons now on offer (numbered across the whole reply)."""
    texts: list[str] = []
    offered: list[dict[str, str]] = []
    for message in messages:
        body = (message.text or "").strip()
        if message.buttons:
            lines = [f"{len(offered) + i}. {b['title']}" for i, b in enumerate(message.buttons, start=1)]
            offered.extend(message.buttons)
            choices = "\n".join([CHOICES_HEADER, *lines])
            body = f"{body}\n\n{choices}" if body else choices
        texts.extend(split_text(body, MAX_TEXT))
    return texts, offered


class ChoiceMemory:
    """The buttons last offered to each user, bounded (least recently offered forgotten first)."""

    def __init__(self, max_users: int = 50_000) -> None:
        self._max = max_users
        self._offers: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def offer(self, user_id: str, buttons: list[dict[str, str]]) -> None:
        with self._lock:
            if not buttons:
                self._offers.pop(user_id, None)
                return
            self._offers[user_id] = list(buttons)
            self._offers.move_to_end(user_id)
            while len(self._offers) > self._max:
                self._offers.popitem(last=False)

    def choose(self, user_id: str, text: str) -> dict[str, str] | None:
        """The button a reply of just its number picks; ``None`` for anything else."""
        match = _NUMBER.match(text)
        if not match:
            return None
        with self._lock:
            buttons = self._offers.get(user_id) or []
        index = int(match.group(1)) - 1
        return buttons[index] if 0 <= index < len(buttons) else None
