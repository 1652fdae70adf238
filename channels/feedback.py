"""``POST /feedback``: a "was this helpful? 👍/👎" click on one of the bot's answers.

The adapter validates the JSON and hands it to a ``FeedbackStore`` port (a SQLAlchemy table in the
running service, see ``bot.feedback_store``); bad input gets a 4xx with a JSON error from the app's
handlers, never a 500.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Literal, Protocol

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from channels.fields import SenderId, StoredText
from channels.rate_limit import RateLimiter
from channels.texts import RATE_LIMITED

__all__ = ["FeedbackRequest", "FeedbackStore", "feedback_router"]


class FeedbackStore(Protocol):
    def add(
        self, *, sender_id: str, channel: str, rating: int, answer: str, question: str | None = None
    ) -> int: ...


class FeedbackRequest(BaseModel):
    sender: SenderId
    rating: Literal["up", "down"]
    answer: StoredText = Field(min_length=1, max_length=8000)
    question: StoredText | None = Field(default=None, max_length=8000)
    channel: str = Field(default="widget", pattern=r"^[a-z_]{1,32}$")


def feedback_router(store: FeedbackStore, limiter: RateLimiter | None = None) -> APIRouter:
    router = APIRouter()

    @router.post("/feedback", status_code=201, response_model=None)
    async def receive(payload: FeedbackRequest) -> dict[str, object] | JSONResponse:
        if limiter is not None and not limiter.allow(f"feedback:{payload.sender}"):
            return JSONResponse(status_code=429, content={"error": RATE_LIMITED})
        add = partial(
            store.add,
            sender_id=payload.sender,
            channel=payload.channel,
            rating=1 if payload.rating == "up" else -1,
            answer=payload.answer,
            question=payload.question,
        )
        feedback_id = await asyncio.to_thread(add)
        return {"id": feedback_id, "status": "stored"}

    return router
