"""Splitting a long answer into parts a platform accepts (Telegram 4096 characters, Zalo 2000).

Cuts fall at the last paragraph break that fits, else the last line break, else the last space,
and only as a last resort inside a word, so a procedure's numbered document list stays readable:
``split_text("Hồ sơ gồm:\\n1. ...\\n2. ...", 20)`` keeps each item whole when it fits.
"""

from __future__ import annotations

__all__ = ["split_text"]

_SEPARATORS = ("\n\n", "\n", " ")


def split_text(text: str, limit: int) -> list[str]:
    """Parts of ``text``, each at most ``limit`` characters and none empty; ``[]`` for blank text."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            parts.append(rest)
            break
        window = rest[: limit + 1]
        cut = -1
        for separator in _SEPARATORS:
            cut = window.rfind(separator, 0, limit + 1)
            if cut > limit // 4:  # a cut too near the start would leave a sliver of a part
                break
            cut = -1
        if cut == -1:
            head, rest = rest[:limit], rest[limit:]
        else:
            head, rest = rest[:cut], rest[cut:]
        head = head.rstrip()
        if head:
            parts.append(head)
        rest = rest.lstrip()
    return parts
