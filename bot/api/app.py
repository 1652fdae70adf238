"""``create_app(settings)``: the FastAPI application with every router mounted.

The service (model, stores, agent) is built by the factory (or handed in), never at import, so a
test can build an app per temporary database; the lifespan warms it up (``bot.warmup``) before the
server accepts connections, and ``app.state.ready`` tells ``/health`` when that is done.
``/docs``, ``/redoc`` and ``/openapi.json`` exist only when ``settings.introspection`` (development,
or ``server.introspection: true``); ``app.openapi()`` still builds the description in-process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from actions.rasa_tracker import RasaTrackerReader
from actions.server import action_server_router
from bot.api import model, pending, procedures
from bot.api.address_limit import AddressLimit
from bot.api.body_limit import BodyLimit
from bot.api.channels import mount_channels
from bot.api.client_context import ClientContext
from bot.api.dossier import mount_dossier
from bot.api.errors import install_error_handlers
from bot.api.operations import operations_router
from bot.api.voice import mount_voice
from bot.coordination.arrival import ArrivalStamp
from bot.messages import BotMessage, UserMessage
from bot.service import Service, build_service
from bot.settings import Settings
from bot.warmup import warm_up
from console.routes import mount_console

__all__ = ["create_app"]



def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    built = service or build_service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = built
        # uvicorn opens the port only after this: the first burst meets a loaded, warm service.
        await asyncio.to_thread(warm_up, built)
        app.state.ready = True
        try:
            async with channels.running(), dossier.running():  # PTB, Zalo's HTTP client; dossier alert poller
                yield
        finally:
            app.state.ready = False
            if built.coordination is not None and service is None:  # a service handed in is the caller's
                await built.coordination.close()

    # The API description is for developers; in production it is served only when asked for.
    shown = settings.introspection
    app = FastAPI(
        title="dvcbot", version="0.1.0", lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks, on by default, cost ~10 % of a turn's event-loop CPU with
        # no exporter configured (a provider lookup through os.environ per request); /metrics and the
        # JSON logs are what operations read.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        openapi_url="/openapi.json" if shown else None, docs_url="/docs" if shown else None,
        redoc_url="/redoc" if shown else None,
    )
    app.state.service = built
    app.state.ready = False

    async def on_message(message: UserMessage) -> list[BotMessage]:
        return await built.agent.handle(message)

    channels = mount_channels(app, settings, built, on_message)
    dossier = mount_dossier(app, built)  # the reference one-stop service under /dossier-service
    app.include_router(model.router)
    app.include_router(procedures.router)
    app.include_router(pending.router)
    mount_voice(app, settings, built)  # POST /api/voice/webhook: cloud voice vendors' call control
    mount_console(app, settings, built)  # call-centre staff: /console, agent assist, handoff inbox
    app.include_router(operations_router())  # /metrics, /ready
    if settings.action_server.enabled:  # off unless a shared token is configured
        app.include_router(
            action_server_router(
                built.agent.actions, token=settings.action_server.token, list_actions=shown,
                reader=RasaTrackerReader(built.interpreter, built.catalogue, built.domain),
                response_variables=dict(built.agent.config.response_variables),
            )
        )
    install_error_handlers(app)
    app.add_middleware(ClientContext)  # the request's address, for limits that sender ids cannot dodge
    app.add_middleware(
        AddressLimit,
        per_minute=settings.server.requests_per_minute_per_address,
        burst=settings.server.request_burst_per_address,
    )
    # A turn's place in its conversation, taken first thing (bot.coordination.arrival)
    app.add_middleware(ArrivalStamp, announcer=built.coordination.announcer if built.coordination else None)
    app.add_middleware(BodyLimit, max_bytes=settings.server.max_body_bytes)  # outermost: before any read
    return app
