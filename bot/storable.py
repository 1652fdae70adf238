"""What every store accepts, checked before a turn runs: the same rules for SQLite and PostgreSQL.

PostgreSQL refuses a NUL character in a text column (a sender id, a feedback text) and NaN or
Infinity in JSON; SQLite takes both. (A NUL inside a message's text is fine: the text is kept in a
JSON column, escaped, and the bot answers such a message politely, as every other bad one.) A message that breaks these rules is refused at the edge
(each channel's request model calls these functions, so the client gets a 422 saying why), and
``Agent.handle`` checks again before running anything, so no turn runs — no alert subscribed, no
lookup counted — that could not then be stored. Metadata is also capped in size and depth: it is
kept with the turn and read back on every later one.

``metadata_problem({"trang": "/tthc", "x": float("nan")})`` → ``"metadata: NaN or Infinity is not valid JSON"``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bot.messages import UserMessage

__all__ = [
    "MAX_METADATA_BYTES",
    "MAX_METADATA_DEPTH",
    "UnstorableMessage",
    "message_problem",
    "metadata_problem",
    "sender_problem",
    "text_problem",
]

MAX_METADATA_BYTES = 4096
MAX_METADATA_DEPTH = 5


class UnstorableMessage(ValueError):
    """A message no store could keep; the HTTP layer answers it with a 422."""


def text_problem(value: str, name: str = "text") -> str | None:
    if "\x00" in value:
        return f"{name}: contains a NUL character"
    return None


def sender_problem(value: str) -> str | None:
    """Sender ids are keys in every store and appear in logs: no control characters at all."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "sender: contains a control character"
    return None


def _depth_problem(value: Any, depth: int) -> str | None:
    if depth > MAX_METADATA_DEPTH:
        return f"metadata: nested deeper than {MAX_METADATA_DEPTH} levels"
    items: list[Any] = []
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    elif isinstance(value, float) and not math.isfinite(value):
        return "metadata: NaN or Infinity is not valid JSON"
    for item in items:
        problem = _depth_problem(item, depth + 1)
        if problem:
            return problem
    return None


def metadata_problem(value: dict[str, Any] | None) -> str | None:
    if not value:
        return None
    problem = _depth_problem(value, 1)
    if problem:
        return problem
    try:
        size = len(json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError):
        return "metadata: not storable as JSON"
    if size > MAX_METADATA_BYTES:
        return f"metadata: {size} bytes, at most {MAX_METADATA_BYTES}"
    return None


def message_problem(message: UserMessage) -> str | None:
    """Why ``message`` could not be stored, or ``None``."""
    return sender_problem(message.sender_id) or metadata_problem(message.metadata)
