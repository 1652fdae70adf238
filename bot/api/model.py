"""``GET /health`` and ``POST /model/parse`` (Rasa's parse contract)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.api.deps import ServiceDep

__all__ = ["router"]

router = APIRouter()


class ParseRequest(BaseModel):
    text: str = Field(max_length=20_000)
    message_id: str | None = None


@router.get("/health")
async def health(service: ServiceDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "model": service.interpreter.fingerprint,
        "procedures": len(service.catalogue.all()),
    }


@router.post("/model/parse")
async def parse(request: ParseRequest, service: ServiceDep) -> dict[str, Any]:
    message = await asyncio.to_thread(service.interpreter.parse, request.text)
    return message.as_parse_result()
