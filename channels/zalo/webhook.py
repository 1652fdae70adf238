"""Zalo OA's webhook on the FastAPI app: ``POST <webhook_path>``.

The order matters, and nothing parses the body before the signature says Zalo sent it: read the
raw body under a cap → find the top-level ``timestamp`` without parsing (it is part of the
signature) → verify ``X-ZEvent-Signature`` in constant time → refuse a stale date → parse with a
nesting limit → classify and de-duplicate (persisted ids, so a replay after a restart is still a
duplicate) → answer 200 at once and run the turn in a background task. Zalo expects an answer
within a couple of seconds and resends (then disables the webhook) otherwise, so nothing slow
happens before the response.

Statuses: 413 body too large, 400 body not JSON / nested too deep / not an event, 403 signature
missing or wrong or event too old, 200 otherwise with ``{"status": "accepted" | "duplicate" |
"ignored"}`` (an unknown event type is acknowledged, not refused, or Zalo would keep resending it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from channels.raw_json import BodyError, decode, loads_bounded, read_capped, top_level_scalar
from channels.zalo.adapter import ZaloChannel, ZaloEvent
from channels.zalo.freshness import age_problem
from channels.zalo.signature import SIGNATURE_HEADER, verify

__all__ = ["MAX_EVENT_BYTES", "MAX_EVENT_DEPTH", "EventWindow", "zalo_webhook_router"]

log = logging.getLogger("dvcbot.channels.zalo")
MAX_EVENT_BYTES = 1_000_000
MAX_EVENT_DEPTH = 16  # Zalo's events nest 3 levels; a generous margin, far below recursion trouble


@dataclass(frozen=True, slots=True)
class EventWindow:
    """How old (or how far ahead of our clock) an event's own timestamp may be."""

    max_age_seconds: float = 900.0
    max_ahead_seconds: float = 120.0
    clock: Callable[[], float] = time.time


def zalo_webhook_router(
    channel: ZaloChannel, *, path: str, app_id: str, oa_secret_key: str, window: EventWindow | None = None
) -> APIRouter:
    router = APIRouter()
    accepted = window or EventWindow()

    async def run(event: ZaloEvent) -> None:
        try:
            await channel.handle(event)
        except Exception:  # the 200 is long gone: log loudly, with the message id to trace it
            log.exception("zalo event %s for user %s failed; no reply sent", event.msg_id, event.user_id)

    @router.post(path, include_in_schema=False)
    async def receive(request: Request, background: BackgroundTasks) -> JSONResponse:
        try:
            raw = await read_capped(request, MAX_EVENT_BYTES)
            timestamp = top_level_scalar(decode(raw), "timestamp")
        except BodyError as error:
            return JSONResponse(status_code=error.status, content={"error": str(error)})
        if timestamp is None:
            return JSONResponse(status_code=400, content={"error": "not a Zalo event (no timestamp)"})
        signed = verify(
            request.headers.get(SIGNATURE_HEADER),
            app_id=app_id,
            raw_body=raw,
            timestamp=timestamp,
            oa_secret_key=oa_secret_key,
        )
        if not signed:
            log.warning("zalo event with a missing or wrong signature refused")
            return JSONResponse(status_code=403, content={"error": "invalid signature"})
        stale = age_problem(timestamp, now=accepted.clock(), max_age_seconds=accepted.max_age_seconds,
                            max_ahead_seconds=accepted.max_ahead_seconds)
        if stale:
            log.warning("signed zalo event refused: %s (a replay?)", stale)
            return JSONResponse(status_code=403, content={"error": f"stale event: {stale}"})
        try:
            event = loads_bounded(raw, max_depth=MAX_EVENT_DEPTH)
        except BodyError as error:
            return JSONResponse(status_code=error.status, content={"error": str(error)})
        if not isinstance(event, dict) or str(event.get("timestamp")) != timestamp:
            return JSONResponse(status_code=400, content={"error": "not a Zalo event"})
        # The de-duplication memory is a database: off the event loop.
        classified = await asyncio.to_thread(channel.classify, event)
        if classified.kind == "duplicate":
            log.info("zalo resent message %s; already handled", classified.msg_id)
            return JSONResponse(content={"status": "duplicate"})
        if classified.kind == "ignored":
            return JSONResponse(content={"status": "ignored"})
        background.add_task(run, classified)
        return JSONResponse(content={"status": "accepted"})

    return router
