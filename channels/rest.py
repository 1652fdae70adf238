"""Rasa's REST channel: ``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"?}``.

The adapter only turns the JSON into a ``UserMessage`` and the bot's messages back into the list
Rasa returns; everything else happens in the core it is given. A sender over the shared rate limit
gets ``429 {"error": ...}`` and the message is not processed.

A REST client chooses its own sender id, so the id proves nothing. The client whose request starts
a conversation gets that conversation's secret once, in the ``X-Dvcbot-Sender-Secret`` response
header (the body keeps Rasa's shape); sending it back on later requests is what lets the alerts the
bot kept for the conversation (``bot.pending``) come before the replies, and what
``GET /webhooks/rest/pending/{sender}`` requires. A wrong secret is refused with 403. Without one,
the message is answered as always, but kept alerts stay where they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.messages import BotMessage, UserMessage
from channels.base import SenderSecrets
from channels.fields import Metadata, SenderId
from channels.rate_limit import RateLimiter
from channels.texts import RATE_LIMITED

__all__ = ["MAX_REQUEST_CHARS", "SENDER_SECRET_HEADER", "RestMessage", "rest_router"]

MAX_REQUEST_CHARS = 50_000
SENDER_SECRET_HEADER = "X-Dvcbot-Sender-Secret"
WRONG_SECRET = "wrong X-Dvcbot-Sender-Secret for this sender"


class RestMessage(BaseModel):
    sender: SenderId
    message: str = Field(max_length=MAX_REQUEST_CHARS)
    metadata: Metadata = None
    message_id: str | None = Field(default=None, max_length=255)


def rest_router(
    on_message: Callable[[UserMessage], Awaitable[list[BotMessage]]],
    limiter: RateLimiter | None = None,
    *,
    secrets: SenderSecrets,
) -> APIRouter:
    router = APIRouter()

    @router.post("/webhooks/rest/webhook", response_model=None)
    async def receive(
        payload: RestMessage,
        secret: Annotated[str | None, Header(alias=SENDER_SECRET_HEADER, max_length=200)] = None,
    ) -> JSONResponse:
        if limiter is not None and not limiter.allow(f"rest:{payload.sender}"):
            return JSONResponse(status_code=429, content={"error": RATE_LIMITED})
        issued: str | None = None
        if secret is not None:
            verified = secrets.verify_in_memory(payload.sender, secret)  # a later turn: known here
            if verified is None:
                verified = await asyncio.to_thread(secrets.verify, payload.sender, secret)
            if not verified:
                return JSONResponse(status_code=403, content={"error": WRONG_SECRET})
            own_client = True
        else:
            issued = await asyncio.to_thread(secrets.issue, payload.sender)
            own_client = issued is not None
        replies = await on_message(
            UserMessage(
                text=payload.message,
                sender_id=payload.sender,
                input_channel="rest",
                message_id=payload.message_id,
                metadata=payload.metadata or {},
                deliver_pending=own_client,
            )
        )
        # The response built here: FastAPI would walk the list through jsonable_encoder first, for
        # the same bytes (the replies are the JSON the tracker store keeps).
        answer = JSONResponse([reply.as_rest() for reply in replies])
        if issued is not None:
            answer.headers[SENDER_SECRET_HEADER] = issued
            answer.headers["Cache-Control"] = "no-store"
        return answer

    @router.get("/webhooks/rest/")
    async def status() -> dict[str, str]:
        return {"status": "ok"}

    return router
