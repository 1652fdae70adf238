"""Telegram's webhook on the FastAPI app: ``POST <webhook_path>`` with Telegram's ``Update`` JSON.

Every request must carry the ``X-Telegram-Bot-Api-Secret-Token`` given to ``setWebhook``; it is
compared in constant time, and anything else gets 403 before the body is even read. The body is
then read under a cap (413) and parsed with a nesting limit (400, never a ``RecursionError``). A
valid update is de-duplicated on ``update_id`` (Telegram redelivers what it thinks was lost; the
service's memory of ids is persisted, so a restart does not forget it), put on the PTB
application's queue and acknowledged at once; the handlers answer through the Bot API.
The PTB application is started and stopped with the app (``start``/``stop`` in its lifespan).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from channels.dedupe import RecentIds, SeenIds
from channels.raw_json import BodyError, loads_bounded, read_capped

__all__ = ["MAX_UPDATE_DEPTH", "SECRET_HEADER", "TelegramWebhook"]

log = logging.getLogger("dvcbot.channels.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000
MAX_UPDATE_DEPTH = 32  # a callback query's inline keyboard nests about 7 levels
_KEY_PREFIX = "telegram:update:"


class TelegramWebhook:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        secret: str,
        path: str,
        webhook_url: str = "",
        recent: SeenIds | None = None,
    ) -> None:
        if not secret:
            raise ValueError("a Telegram webhook needs a secret token (DVCBOT_CHANNELS__TELEGRAM__WEBHOOK_SECRET)")
        self.application = application
        self._secret = secret.encode("utf-8")
        self._path = path
        self._webhook_url = webhook_url
        self._recent: SeenIds = recent or RecentIds(ttl_seconds=3600)
        self.running = False

    async def start(self) -> None:
        """Start PTB; a Telegram outage at boot leaves this channel down, not the whole service."""
        try:
            await self.application.initialize()
            if self._webhook_url:
                await self.application.bot.set_webhook(
                    self._webhook_url,
                    secret_token=self._secret.decode("utf-8"),
                    allowed_updates=["message", "callback_query"],
                )
            await self.application.start()
            self.running = True
            log.info("telegram channel started (webhook %s)", self._path)
        except (TelegramError, OSError) as error:
            log.error("telegram channel not started: %s; its webhook answers 503 until a restart", error)

    async def stop(self) -> None:
        if self.running:
            await self.application.stop()
            self.running = False
        await self.application.shutdown()

    def _authentic(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        return hmac.compare_digest(given, self._secret)

    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post(self._path, include_in_schema=False)
        async def receive(request: Request) -> JSONResponse:
            if not self._authentic(request):
                return JSONResponse(status_code=403, content={"error": "invalid secret token"})
            if not self.running:
                return JSONResponse(status_code=503, content={"error": "telegram channel not started"})
            try:
                data: Any = loads_bounded(await read_capped(request, MAX_UPDATE_BYTES), max_depth=MAX_UPDATE_DEPTH)
            except BodyError as error:
                return JSONResponse(status_code=error.status, content={"error": str(error)})
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return JSONResponse(status_code=400, content={"error": "not a Telegram update"})
            key = f"{_KEY_PREFIX}{data['update_id']}"
            if not await asyncio.to_thread(self._recent.first_time, key):
                return JSONResponse(content={"status": "duplicate"})
            try:
                update = Update.de_json(data, self.application.bot)
            except (TypeError, ValueError, KeyError) as error:
                await asyncio.to_thread(self._recent.forget, key)
                return JSONResponse(status_code=400, content={"error": f"not a Telegram update: {error}"})
            await self.application.update_queue.put(update)
            return JSONResponse(content={"status": "ok"})

        return router
