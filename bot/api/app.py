"""``create_app(settings)``: the FastAPI application with every router mounted.

The service (model, stores, agent) is built in the lifespan, so importing this module starts
nothing and a test can build an app per temporary database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from actions.server import action_server_router
from bot.api import model, pending, procedures
from bot.api.channels import mount_channels
from bot.api.dossier import mount_dossier
from bot.api.errors import install_error_handlers
from bot.messages import BotMessage, UserMessage
from bot.service import Service, build_service
from bot.settings import Settings
from channels.rest import rest_router

__all__ = ["create_app"]



def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    built = service or build_service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = built
        async with channels.running(), dossier.running():  # PTB, Zalo's HTTP client; dossier alert poller
            yield

    app = FastAPI(title="dvcbot", version="0.1.0", lifespan=lifespan)
    app.state.service = built

    async def on_message(message: UserMessage) -> list[BotMessage]:
        return await built.agent.handle(message)

    channels = mount_channels(app, settings, built, on_message)
    dossier = mount_dossier(app, built)  # the reference one-stop service under /dossier-service
    app.include_router(model.router)
    app.include_router(procedures.router)
    app.include_router(rest_router(on_message, channels.limiter, secrets=built.sender_secrets))
    app.include_router(pending.router)
    if settings.action_server.enabled:  # off unless a shared token is configured
        app.include_router(action_server_router(built.agent.actions, token=settings.action_server.token))
    install_error_handlers(app)
    return app
