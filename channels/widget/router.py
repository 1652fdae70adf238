"""The widget's HTTP side: the script, the demo page and the small JSON API the script calls.

- ``GET /widget.js`` — the embeddable script (vanilla JS, styles inline, no CDN).
- ``GET /`` — a mock public-service portal page with the widget on it (when enabled).
- ``POST /widget/messages`` ``{"sender", "message", "metadata"?}`` → the Rasa REST reply list; the
  user message reaches the core with ``input_channel="widget"``. Over the rate limit → ``429``
  with a polite Vietnamese ``{"error"}`` the widget shows as a note.
- ``GET /widget/history?sender=`` → ``{"sender", "messages": [{"from", "text", "buttons"}]}``, rebuilt
  from the conversation tracker for a browser that lost its local copy.
- ``GET /widget/pending?sender=`` → ``{"sender", "messages": [...]}`` in the REST reply shape: what was
  sent to the conversation outside a turn (a call-centre agent's replies, dossier alerts), each once;
  the open widget polls it.
- ``GET /widget/events?sender=`` → a ``text/event-stream`` of the same messages as they come: each
  ``data:`` line one message in the REST reply shape, taken (once) from the conversation when the
  outbound bus says it has new ones, whichever worker produced them; a comment line every
  ``KEEPALIVE_SECONDS`` keeps proxies from closing it. What was pending before it connected comes first.

Widget sender ids are ``web-`` + 32 hex digits, drawn at random by the browser: the id is the only
key to a conversation's history, so it must be unguessable, and its shape keeps the history
endpoint from reading conversations of other channels.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from bot.coordination.bus import user_topic
from bot.messages import BotMessage, UserMessage
from channels.base import OnMessage
from channels.fields import Metadata
from channels.rate_limit import RateLimiter
from channels.texts import RATE_LIMITED
from channels.widget.history import history_from_events

__all__ = ["SENDER_PATTERN", "STATIC_DIR", "WidgetMessage", "widget_router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
SENDER_PATTERN = r"^web-[0-9a-f]{32}$"
CHANNEL = "widget"

EventLoader = Callable[[str], list[dict[str, Any]]]
PendingTaker = Callable[[str], Awaitable[list[BotMessage]]]
# The outbound bus's subscribe for one user's topic (``bot.coordination.bus``): notes that there is news.
Updates = Callable[[str], contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]]
KEEPALIVE_SECONDS = 15.0


class WidgetMessage(BaseModel):
    sender: str = Field(pattern=SENDER_PATTERN)
    message: str = Field(max_length=50_000)
    metadata: Metadata = None


def widget_router(
    on_message: OnMessage,
    *,
    load_events: EventLoader,
    limiter: RateLimiter | None = None,
    demo_page: bool = True,
    take_pending: PendingTaker | None = None,
    updates: Updates | None = None,
) -> APIRouter:
    router = APIRouter()

    @router.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
    async def script() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "widget.js",
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
        )

    if demo_page:

        @router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
        async def demo() -> FileResponse:
            return FileResponse(STATIC_DIR / "demo.html", media_type="text/html; charset=utf-8")

    @router.post("/widget/messages", response_model=None)
    async def receive(payload: WidgetMessage) -> list[dict[str, Any]] | JSONResponse:
        if limiter is not None and not limiter.allow(f"{CHANNEL}:{payload.sender}"):
            return JSONResponse(status_code=429, content={"error": RATE_LIMITED})
        # Only what the widget itself sends is kept: the title of a clicked button, for the history.
        title = (payload.metadata or {}).get("button_title")
        metadata = {"button_title": title[:300]} if isinstance(title, str) and title else {}
        replies = await on_message(
            UserMessage(
                text=payload.message, sender_id=payload.sender, input_channel=CHANNEL, metadata=metadata
            )
        )
        return [reply.as_rest() for reply in replies]

    @router.get("/widget/history")
    async def history(sender: Annotated[str, Query(pattern=SENDER_PATTERN)]) -> dict[str, Any]:
        events = await asyncio.to_thread(load_events, sender)
        return {"sender": sender, "messages": history_from_events(events)}

    if take_pending is not None:

        @router.get("/widget/pending")
        async def pending(sender: Annotated[str, Query(pattern=SENDER_PATTERN)]) -> dict[str, Any]:
            return {"sender": sender, "messages": [m.as_rest() for m in await take_pending(sender)]}

    if take_pending is not None and updates is not None:
        taker, subscribe = take_pending, updates

        @router.get("/widget/events", include_in_schema=False)  # a stream that never ends: no fuzzing
        async def events(sender: Annotated[str, Query(pattern=SENDER_PATTERN)]) -> StreamingResponse:
            return StreamingResponse(
                _event_stream(sender, taker, subscribe),
                media_type="text/event-stream; charset=utf-8",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )

    return router


async def _event_stream(sender: str, take_pending: PendingTaker, subscribe: Updates) -> AsyncIterator[str]:
    async with subscribe(user_topic(CHANNEL, sender)) as notes:
        news: asyncio.Queue[None] = asyncio.Queue()

        async def listen() -> None:
            async for _ in notes:
                news.put_nowait(None)

        listener = asyncio.create_task(listen())
        try:
            yield ": connected\n\n"  # subscribed: nothing published from now on is missed
            while True:
                # At connect, then only when the bus says there is news: a stream costs nothing idle.
                for message in await take_pending(sender):
                    yield f"data: {json.dumps(message.as_rest(), ensure_ascii=False)}\n\n"
                while True:
                    try:
                        await asyncio.wait_for(news.get(), timeout=KEEPALIVE_SECONDS)
                        break
                    except TimeoutError:
                        if listener.done():
                            return  # the subscription ended (the bus is gone): the widget reconnects
                        yield ": keep-alive\n\n"
                while not news.empty():
                    news.get_nowait()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener
