"""``GET /webhooks/rest/pending/{sender}``: messages the bot sent on its own to a REST conversation.

The REST channel cannot push, so a status alert waits in the conversation (``bot.pending``). A
client polls this endpoint (or simply gets the messages before the replies of its next
``POST /webhooks/rest/webhook``); each message is returned once, in the REST channel's shape.

Only the conversation's own client may read them: the request must carry the secret the client got
on its first REST turn (``X-Dvcbot-Sender-Secret``, see ``channels.rest``); missing → 401, wrong or
never issued → 403, both before anything about the conversation is read.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path

from bot.api.deps import ServiceDep
from channels.rest import SENDER_SECRET_HEADER, WRONG_SECRET

__all__ = ["router"]

router = APIRouter()


@router.get("/webhooks/rest/pending/{sender}")
async def pending(
    sender: Annotated[str, Path(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$")],
    service: ServiceDep,
    secret: Annotated[str | None, Header(alias=SENDER_SECRET_HEADER, max_length=200)] = None,
) -> list[dict[str, Any]]:
    if secret is None:
        raise HTTPException(status_code=401, detail=f"{SENDER_SECRET_HEADER} required")
    verified = service.sender_secrets.verify_in_memory(sender, secret)
    if verified is None:
        verified = await asyncio.to_thread(service.sender_secrets.verify, sender, secret)
    if not verified:
        raise HTTPException(status_code=403, detail=WRONG_SECRET)
    return [message.as_rest() for message in await service.agent.take_pending(sender)]
