"""A widget conversation rebuilt from the tracker's events, for a browser that lost its copy.

The tracker stores Rasa's event vocabulary; the widget needs the bubbles a person saw: what they
typed (or the title of the button they clicked, kept in the message's metadata) and what the bot
answered, with the buttons of the bot's messages. Button payloads without a title and the widget's
silent greeting (``/greet``) were never shown, so they are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["history_from_events", "shown_user_text"]


def shown_user_text(event: dict[str, Any]) -> str | None:
    """What the user is shown to have written: a clicked button's title, never its payload
    ("/ask_fee{...}" with no title is not shown: ``None``)."""
    text = str(event.get("text") or "")
    title = (event.get("metadata") or {}).get("button_title")
    if isinstance(title, str) and title:
        return title
    return None if text.startswith("/") else text

def history_from_events(events: Iterable[dict[str, Any]], *, limit: int = 100) -> list[dict[str, Any]]:
    """``[{"from": "user"|"bot", "text", "buttons"}]`` in order, the last ``limit`` of them."""
    items: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = shown_user_text(event)
            if text is None:
                continue
            items.append({"from": "user", "text": text, "buttons": []})
        elif kind == "bot":
            data = event.get("data") or {}
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in (data.get("buttons") or [])
                if isinstance(b, dict)
            ]
            said = event.get("text")
            if said is None and not buttons:
                continue
            items.append({"from": "bot", "text": str(said or ""), "buttons": buttons})
    return items[-limit:]
