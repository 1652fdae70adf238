"""``GET /health`` (``ok`` once the service is loaded and warm, 503 before) and ``POST /model/parse``
(Rasa's parse contract)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.api.deps import ServiceDep
from bot.slots import resolve_procedure
from bot.tracker import DialogueStateTracker

__all__ = ["router"]

router = APIRouter()


class ParseRequest(BaseModel):
    text: str = Field(max_length=20_000)
    message_id: str | None = None


@router.get("/health", response_model=None)
async def health(request: Request, service: ServiceDep) -> dict[str, Any] | JSONResponse:
    if not getattr(request.app.state, "ready", False):  # not warmed up yet (bot.warmup)
        return JSONResponse(status_code=503, content={"status": "starting"}, headers={"Retry-After": "1"})
    return {
        "status": "ok",
        "model": service.interpreter.fingerprint,
        "procedures": len(service.catalogue.all()),
    }


@router.post("/model/parse")
async def parse(request: ParseRequest, service: ServiceDep) -> dict[str, Any]:
    message = await asyncio.to_thread(service.interpreter.parse, request.text)
    result = message.as_parse_result()
    # dvcbot's addition: found in the catalogue, ambiguous, a real procedure not held, or none —
    # read as a first message (a conversation's context is not known here).
    first_message = DialogueStateTracker("model-parse", service.domain.slot_names)
    result["procedure_resolution"] = resolve_procedure(result, first_message, service.interpreter)
    return result
