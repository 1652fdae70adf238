"""Mounts the voice vendors' call-control webhook (``telephony.webhook``) on the app."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from bot.service import Service, make_engine
from bot.settings import Settings
from telephony.assembly import build_call_flow
from telephony.call_store import SqlCallStore
from telephony.webhook import voice_webhook_router

__all__ = ["mount_voice"]

log = logging.getLogger("dvcbot.http")


def mount_voice(app: FastAPI, settings: Settings, service: Service) -> None:
    config = settings.telephony.webhook
    if not config.enabled:
        return
    if settings.environment == "production" and not config.token:
        log.warning("voice webhook not served: set DVCBOT_TELEPHONY__WEBHOOK__TOKEN in production")
        return
    store = SqlCallStore(make_engine(settings.stores.tracker_url), ttl_seconds=config.call_ttl_minutes * 60)
    app.include_router(
        voice_webhook_router(build_call_flow(service), store, path=config.path, token=config.token)
    )
