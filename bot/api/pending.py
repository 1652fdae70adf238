"""``GET /webhooks/rest/pending/{sender}``: messages the bot sent on its own to a REST conversation.

The REST channel cannot push, so a status alert waits in the conversation (``bot.pending``). A
client polls this endpoint (or simply gets the messages before the replies of its next
``POST /webhooks/rest/webhook``); each message is returned once, in the REST channel's shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from bot.api.deps import ServiceDep

__all__ = ["router"]

router = APIRouter()


@router.get("/webhooks/rest/pending/{sender}")
async def pending(sender: Annotated[str, Path(min_length=1, max_length=255)], service: ServiceDep) -> list[dict[str, Any]]:
    return [message.as_rest() for message in await service.agent.take_pending(sender)]
