"""Mounts the channel adapters on the app, all on one core, and runs the ones with a lifecycle.

The single place where adapters meet the service: each adapter gets the core as ``on_message`` and
the one shared ``RateLimiter``; the widget gets the tracker's events for its history and the
feedback router a SQL feedback store, both as plain callables/ports. Telegram and Zalo are
mounted only when their secrets are configured, and their senders are registered in the service's
output registry (``bot.outputs``) so notifications can reach users on those channels.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from bot.feedback_store import SqlFeedbackStore
from bot.seen_ids_store import SqlSeenIds
from bot.service import Service, make_engine
from bot.settings import Settings, TelegramSettings, ZaloSettings, looks_like_placeholder
from channels.base import OnMessage, OutputSender
from channels.dedupe import SeenIds
from channels.feedback import feedback_router
from channels.rate_limit import Limiter, RateLimiter
from channels.rest import RestFastPath, rest_answer, rest_router
from channels.telegram import TelegramChannel, TelegramWebhook, build_application
from channels.widget import WidgetCors, widget_router
from channels.zalo import (
    EventWindow,
    FileTokenStore,
    MemoryTokenStore,
    TokenManager,
    TokenPair,
    ZaloApi,
    ZaloChannel,
    zalo_webhook_router,
)

__all__ = ["ChannelRuntime", "mount_channels"]

log = logging.getLogger("dvcbot.channels")

Hook = Callable[[], Awaitable[None]]
TELEGRAM_SEEN_SECONDS = 24 * 3600.0  # Telegram keeps an unacknowledged update for 24 hours


@dataclass
class ChannelRuntime:
    """What the app keeps of its channels: the shared limiter, push senders and lifecycle hooks."""

    limiter: Limiter
    senders: dict[str, OutputSender] = field(default_factory=dict)
    starts: list[Hook] = field(default_factory=list)
    stops: list[Hook] = field(default_factory=list)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        for start in self.starts:
            await start()
        try:
            yield
        finally:
            for stop in reversed(self.stops):
                try:
                    await stop()
                except Exception:  # one channel's shutdown must not keep the others running
                    log.exception("channel shutdown failed")


def mount_channels(app: FastAPI, settings: Settings, service: Service, on_message: OnMessage) -> ChannelRuntime:
    config = settings.channels
    shared = service.coordination  # Redis when configured: limits and de-dup ids seen by every worker
    limits = config.rate_limit
    runtime = ChannelRuntime(
        shared.rate_limiter(limits.messages_per_minute, limits.burst) if shared
        else RateLimiter(limits.messages_per_minute, burst=limits.burst)
    )
    # First of all the app's routers: a request is matched against the routers in the order they were
    # included, and the REST channel carries most of the traffic (FastAPI walks each router before it).
    # Its plain requests do not even reach the router: RestFastPath answers them the same way.
    answer = rest_answer(on_message, runtime.limiter, secrets=service.sender_secrets)
    app.include_router(rest_router(on_message, runtime.limiter, secrets=service.sender_secrets, answer=answer))
    app.add_middleware(RestFastPath, answer=answer)  # the innermost of the app's own middleware

    def load_events(sender_id: str) -> list[dict[str, Any]]:
        store = service.agent.store
        history = getattr(store, "history", None)  # the whole log; retrieve() keeps only recent events
        return list(history(sender_id) if history else store.retrieve(sender_id).events)

    if config.widget.enabled:
        app.include_router(
            widget_router(on_message, load_events=load_events, limiter=runtime.limiter,
                          demo_page=config.widget.demo_page, take_pending=service.agent.take_pending,
                          updates=service.coordination.bus.subscribe if service.coordination else None)
        )
        app.add_middleware(
            WidgetCors, allowed_origins=config.widget.allowed_origins, path_prefixes=("/widget/", "/feedback")
        )
    engine = make_engine(settings.stores.tracker_url)
    app.include_router(feedback_router(SqlFeedbackStore(engine), runtime.limiter))

    if config.telegram.enabled:
        seen = _seen_ids(service, engine, TELEGRAM_SEEN_SECONDS)
        _mount_telegram(app, config.telegram, on_message, runtime, seen,
                        shared.payload_codes() if shared else None)
    if config.zalo.enabled:
        zalo = config.zalo
        window = zalo.max_event_age_seconds + zalo.max_event_ahead_seconds
        seen = _seen_ids(service, engine, max(zalo.dedupe_ttl_seconds, window))
        _mount_zalo(app, zalo, settings, on_message, runtime, seen)
    app.state.channel_senders = runtime.senders
    _register_outputs(service, runtime)
    return runtime


def _seen_ids(service: Service, engine: Any, ttl_seconds: float) -> SeenIds:
    if service.coordination is not None:
        return service.coordination.seen_ids(engine, ttl_seconds=ttl_seconds)
    return SqlSeenIds(engine, ttl_seconds=ttl_seconds)


def _mount_telegram(
    app: FastAPI, config: TelegramSettings, on_message: OnMessage, runtime: ChannelRuntime, seen: SeenIds,
    codes: Any | None = None,
) -> None:
    _refuse_placeholder("channels.telegram.token", config.token)
    _refuse_placeholder("channels.telegram.webhook_secret", config.webhook_secret)
    application = build_application(config.token, base_url=config.base_url, polling=False)
    channel = TelegramChannel(on_message, limiter=runtime.limiter, codes=codes)
    channel.install(application)
    webhook = TelegramWebhook(
        application, secret=config.webhook_secret, path=config.webhook_path, webhook_url=config.webhook_url,
        recent=seen,
    )
    app.include_router(webhook.router())
    app.state.telegram = webhook
    runtime.starts.append(webhook.start)
    runtime.stops.append(webhook.stop)
    runtime.senders["telegram"] = channel.send


def _mount_zalo(
    app: FastAPI,
    config: ZaloSettings,
    settings: Settings,
    on_message: OnMessage,
    runtime: ChannelRuntime,
    seen: SeenIds,
) -> None:
    _refuse_placeholder("channels.zalo.oa_secret_key", config.oa_secret_key)
    if not config.access_token:
        raise ValueError("Zalo is enabled but has no access token (DVCBOT_CHANNELS__ZALO__ACCESS_TOKEN)")
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
    if config.token_file:
        store: FileTokenStore | MemoryTokenStore = FileTokenStore(settings.path(Path(config.token_file)))
    else:
        store = MemoryTokenStore()
        if config.refresh_token:
            log.warning("zalo: no channels.zalo.token_file; a refreshed token pair is lost on restart")
    tokens = TokenManager(
        http=http,
        oauth_url=config.oauth_url,
        app_id=config.app_id,
        app_secret_key=config.app_secret_key,
        configured=TokenPair(config.access_token, config.refresh_token, config.access_token_expires_at),
        store=store,
        margin_seconds=config.refresh_margin_seconds,
    )
    api = ZaloApi(
        http=http,
        base_url=config.api_base_url,
        tokens=tokens,
        max_attempts=config.max_attempts,
        retry_base_seconds=config.retry_base_seconds,
    )
    channel = ZaloChannel(on_message, api=api, limiter=runtime.limiter, recent=seen)
    window = EventWindow(max_age_seconds=config.max_event_age_seconds, max_ahead_seconds=config.max_event_ahead_seconds)
    app.include_router(
        zalo_webhook_router(channel, path=config.webhook_path, app_id=config.app_id,
                            oa_secret_key=config.oa_secret_key, window=window)
    )
    app.state.zalo = channel
    runtime.stops.append(http.aclose)
    runtime.senders["zalo"] = channel.send


def _refuse_placeholder(name: str, value: str) -> None:
    """Stop at startup on ``changeme``-style secrets; a missing one is reported by its user."""
    if looks_like_placeholder(value):
        raise ValueError(f"{name} looks like a placeholder; set the real secret in the environment")


def _register_outputs(service: Service, runtime: ChannelRuntime) -> None:
    """Register the push senders in the service's output registry (``bot.outputs.OutputRegistry``).

    Under the channel's ``input_channel`` name, so a dossier alert for a conversation that came in on
    Telegram goes out on Telegram. Registered while the app runs: when it stops, the registry gets
    back what it had, so a service outliving this app (tests, a reload) never pushes through a
    stopped channel. The senders are also reachable as ``app.state.channel_senders``.
    """
    registry = getattr(service, "outputs", None)
    if registry is None or not runtime.senders:
        return
    previous: dict[str, OutputSender] = {}

    async def register() -> None:
        for name, sender in runtime.senders.items():
            previous[name] = registry.sender_for(name)
            registry.register(name, sender)

    async def restore() -> None:
        for name, sender in previous.items():
            registry.register(name, sender)

    runtime.starts.append(register)
    runtime.stops.insert(0, restore)  # stops run in reverse: restored after the channels stopped
