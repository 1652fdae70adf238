"""Zalo OA's webhook on the FastAPI app: ``POST <webhook_path>``.

The order matters: read the raw body → parse it (its ``timestamp`` is part of the signature) →
verify ``X-ZEvent-Signature`` in constant time → classify and de-duplicate → answer 200 at once and
run the turn in a background task. Zalo expects an answer within a couple of seconds and resends
(then disables the webhook) otherwise, so nothing slow happens before the response.

Statuses: 400 body not JSON / not an event, 403 signature missing or wrong, 200 otherwise with
``{"status": "accepted" | "duplicate" | "ignored"}`` (an unknown event type is acknowledged, not
refused, or Zalo would keep resending it).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from channels.zalo.adapter import ZaloChannel, ZaloEvent
from channels.zalo.signature import SIGNATURE_HEADER, verify

__all__ = ["zalo_webhook_router"]

log = logging.getLogger("dvcbot.channels.zalo")
MAX_EVENT_BYTES = 1_000_000


def zalo_webhook_router(channel: ZaloChannel, *, path: str, app_id: str, oa_secret_key: str) -> APIRouter:
    router = APIRouter()

    async def run(event: ZaloEvent) -> None:
        try:
            await channel.handle(event)
        except Exception:  # the 200 is long gone: log loudly, with the message id to trace it
            log.exception("zalo event %s for user %s failed; no reply sent", event.msg_id, event.user_id)

    @router.post(path, include_in_schema=False)
    async def receive(request: Request, background: BackgroundTasks) -> JSONResponse:
        raw = await request.body()
        if len(raw) > MAX_EVENT_BYTES:
            return JSONResponse(status_code=413, content={"error": "event too large"})
        try:
            event: Any = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return JSONResponse(status_code=400, content={"error": "body is not JSON"})
        if not isinstance(event, dict) or not isinstance(event.get("timestamp"), (str, int)):
            return JSONResponse(status_code=400, content={"error": "not a Zalo event (no timestamp)"})
        signed = verify(
            request.headers.get(SIGNATURE_HEADER),
            app_id=app_id,
            raw_body=raw,
            timestamp=str(event["timestamp"]),
            oa_secret_key=oa_secret_key,
        )
        if not signed:
            log.warning("zalo event with a missing or wrong signature refused")
            return JSONResponse(status_code=403, content={"error": "invalid signature"})
        classified = channel.classify(event)
        if classified.kind == "duplicate":
            log.info("zalo resent message %s; already handled", classified.msg_id)
            return JSONResponse(content={"status": "duplicate"})
        if classified.kind == "ignored":
            return JSONResponse(content={"status": "ignored"})
        background.add_task(run, classified)
        return JSONResponse(content={"status": "accepted"})

    return router
