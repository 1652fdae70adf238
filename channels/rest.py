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
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.messages import BotMessage, UserMessage
from channels.base import SenderSecrets
from channels.fields import Metadata, SenderId
from channels.rate_limit import RateLimiter
from channels.texts import RATE_LIMITED

__all__ = [
    "MAX_REQUEST_CHARS",
    "SENDER_SECRET_HEADER",
    "WEBHOOK_PATH",
    "RestAnswer",
    "RestFastPath",
    "RestMessage",
    "rest_answer",
    "rest_router",
]

MAX_REQUEST_CHARS = 50_000
SENDER_SECRET_HEADER = "X-Dvcbot-Sender-Secret"
MAX_SECRET_CHARS = 200
WRONG_SECRET = "wrong X-Dvcbot-Sender-Secret for this sender"
WEBHOOK_PATH = "/webhooks/rest/webhook"


class RestMessage(BaseModel):
    sender: SenderId
    message: str = Field(max_length=MAX_REQUEST_CHARS)
    metadata: Metadata = None
    message_id: str | None = Field(default=None, max_length=255)


RestAnswer = Callable[["RestMessage", str | None], Awaitable[JSONResponse]]
"""A valid request (its body, its secret header) → the response."""


def rest_answer(
    on_message: Callable[[UserMessage], Awaitable[list[BotMessage]]],
    limiter: RateLimiter | None = None,
    *,
    secrets: SenderSecrets,
) -> RestAnswer:
    async def answer(payload: RestMessage, secret: str | None) -> JSONResponse:
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
        response = JSONResponse([reply.as_rest() for reply in replies])
        if issued is not None:
            response.headers[SENDER_SECRET_HEADER] = issued
            response.headers["Cache-Control"] = "no-store"
        return response

    return answer


def rest_router(
    on_message: Callable[[UserMessage], Awaitable[list[BotMessage]]],
    limiter: RateLimiter | None = None,
    *,
    secrets: SenderSecrets,
    answer: RestAnswer | None = None,  # the one RestFastPath uses too
) -> APIRouter:
    router = APIRouter()
    answering = answer or rest_answer(on_message, limiter, secrets=secrets)

    @router.post(WEBHOOK_PATH, response_model=None)
    async def receive(
        payload: RestMessage,
        secret: Annotated[str | None, Header(alias=SENDER_SECRET_HEADER, max_length=MAX_SECRET_CHARS)] = None,
    ) -> JSONResponse:
        return await answering(payload, secret)

    @router.get("/webhooks/rest/")
    async def status() -> dict[str, str]:
        return {"status": "ok"}

    return router


_SECRET_KEY = SENDER_SECRET_HEADER.lower().encode("latin-1")


class RestFastPath:
    """ASGI middleware: ``POST /webhooks/rest/webhook`` answered by ``answer`` when the request is
    plain (``application/json``, a body ``RestMessage`` accepts, at most one secret header within
    its length); anything else, with its body as received, to the app (FastAPI's route and its 422)."""

    def __init__(self, app: ASGIApp, *, answer: RestAnswer) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") != WEBHOOK_PATH
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        secret, plain = _plain_headers(scope.get("headers") or [])
        messages: list[Message] = []
        payload: RestMessage | None = None
        if plain:
            body = b""
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break  # the client went (or BodyLimit refused the body): the app sees it as well
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    try:
                        payload = RestMessage.model_validate(json.loads(body))
                    except (ValueError, ValidationError):  # FastAPI's route says why, in its 422
                        payload = None
                    break
        if payload is None:

            async def replay() -> Message:
                return messages.pop(0) if messages else await receive()

            await self.app(scope, replay, send)
            return
        response = await self.answer(payload, secret)
        await response(scope, receive, send)


def _plain_headers(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """The secret header's value, and whether the headers are as FastAPI's route reads them plainly:
    a JSON content type and at most one secret header of at most ``MAX_SECRET_CHARS`` characters."""
    secret: str | None = None
    json_body = False
    for key, value in headers:
        lowered = key.lower()
        if lowered == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            if json_body or media != b"application/json":
                return None, False
            json_body = True
        elif lowered == _SECRET_KEY:
            if secret is not None:
                return None, False
            secret = value.decode("latin-1")
            if len(secret) > MAX_SECRET_CHARS:
                return None, False
    return secret, json_body
