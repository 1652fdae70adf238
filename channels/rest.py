"""Rasa's REST channel: ``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"?}``.

The adapter only turns the JSON into a ``UserMessage`` and the bot's messages back into the list
Rasa returns; everything else happens in the core it is given. A sender over the shared rate limit
gets ``429 {"error": ...}`` and the message is not processed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.messages import BotMessage, UserMessage
from channels.rate_limit import RateLimiter
from channels.texts import RATE_LIMITED

__all__ = ["RestMessage", "rest_router"]

MAX_REQUEST_CHARS = 50_000


class RestMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=255)
    message: str = Field(max_length=MAX_REQUEST_CHARS)
    metadata: dict[str, Any] | None = None
    message_id: str | None = Field(default=None, max_length=255)


def rest_router(
    on_message: Callable[[UserMessage], Awaitable[list[BotMessage]]], limiter: RateLimiter | None = None
) -> APIRouter:
    router = APIRouter()

    @router.post("/webhooks/rest/webhook", response_model=None)
    async def receive(payload: RestMessage) -> list[dict[str, Any]] | JSONResponse:
        if limiter is not None and not limiter.allow(f"rest:{payload.sender}"):
            return JSONResponse(status_code=429, content={"error": RATE_LIMITED})
        replies = await on_message(
            UserMessage(
                text=payload.message,
                sender_id=payload.sender,
                input_channel="rest",
                message_id=payload.message_id,
                metadata=payload.metadata or {},
            )
        )
        return [reply.as_rest() for reply in replies]

    @router.get("/webhooks/rest/")
    async def status() -> dict[str, str]:
        return {"status": "ok"}

    return router
