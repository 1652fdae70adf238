"""Webhook bodies read without trusting them: capped before they are read, nesting bounded before
they are parsed, one top-level field found without parsing the rest.

``json.loads`` recurses once per nesting level, so ``[[[[...]]]]`` 100 000 deep raises
``RecursionError`` (a 500) before any signature could be checked. ``nesting_depth`` counts brackets
outside strings in one linear regex pass (no recursion), so ``loads_bounded`` refuses such a body
with ``BodyError`` before ``json.loads`` sees it. ``top_level_scalar`` reads one field of the
top-level object the same way: Zalo signs ``app_id + body + timestamp + key`` with the event's own
``timestamp``, and the signature has to be checked before the body is parsed.

``top_level_scalar('{"a": {"timestamp": 1}, "timestamp": "17"}', "timestamp")`` → ``"17"``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

__all__ = ["BodyError", "decode", "loads_bounded", "nesting_depth", "read_capped", "top_level_scalar"]

# A JSON string (unrolled so it never backtracks) or one bracket; everything else is skipped.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_WHITESPACE = " \t\r\n"


class BodyError(ValueError):
    """A body that is not the JSON it should be; the webhook answers 400 (413 when too large)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def read_capped(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused (413) past ``max_bytes``: by its declared length before a byte is
    read, or as soon as a streamed body passes the cap."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise BodyError(f"body over {max_bytes} bytes", status=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyError(f"body over {max_bytes} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError("body is not UTF-8 JSON") from error


def nesting_depth(text: str, *, stop_above: int | None = None) -> int:
    """The deepest bracket nesting of ``text`` outside strings; stops counting past ``stop_above``."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    return deepest
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def loads_bounded(raw: bytes | str, *, max_depth: int) -> Any:
    """``json.loads`` for a body nested at most ``max_depth`` levels; ``BodyError`` otherwise."""
    text = decode(raw) if isinstance(raw, bytes) else raw
    if nesting_depth(text, stop_above=max_depth) > max_depth:
        raise BodyError(f"body nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: belt and braces, never expected
        raise BodyError("body is not JSON") from error


def top_level_scalar(text: str, key: str) -> str | None:
    """The string or number at ``key`` of the top-level JSON object in ``text``, as text, or ``None``.

    Only keys of the outermost object count (a nested ``"timestamp"`` is not the event's); when a key
    repeats, the last one wins, as in ``json.loads``. Nothing but that value is decoded.
    """
    if not text.lstrip(_WHITESPACE).startswith("{"):
        return None
    found: str | None = None
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth -= 1
        elif depth == 1 and len(token) <= 6 * len(key) + 2 and _is_key(text, match.end()) and _decoded(token) == key:
            found = _scalar_after_colon(text, match.end())
    return found


def _is_key(text: str, end: int) -> bool:
    rest = text[end:end + 64].lstrip(_WHITESPACE)
    return rest.startswith(":")


def _decoded(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _scalar_after_colon(text: str, end: int) -> str | None:
    colon = text.index(":", end)
    start = colon + 1
    while start < len(text) and text[start] in _WHITESPACE:
        start += 1
    if start >= len(text) or text[start] in "[{":
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)
