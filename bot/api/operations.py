"""``GET /metrics`` (Prometheus text) and ``GET /ready`` (readiness), beside ``GET /health`` (liveness).

``/health`` says the process is up and its model loaded: a supervisor restarts a worker that stops
answering it. ``/ready`` also checks that the stores can be reached right now — the conversation and
catalogue databases and, when configured, Redis — and answers 503 with what is down otherwise, so a
load balancer sends no traffic to a worker that would only answer 503s. Neither reveals secrets.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.metrics import CONTENT_TYPE
from bot.service import Service

__all__ = ["operations_router"]


def _check_database(engine: Any) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _problems(service: Service) -> dict[str, str]:
    checks: dict[str, Any] = {}
    for name, engine in (("tracker_store", service.tracker_engine), ("catalogue", service.catalogue_engine)):
        if engine is not None:
            checks[name] = lambda engine=engine: _check_database(engine)
    if service.coordination is not None and service.coordination.shared:
        checks["redis"] = service.coordination.ping
    problems: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except (SQLAlchemyError, RedisError, OSError) as error:  # the kind is enough to act on
            problems[name] = type(error).__name__
    return problems


def operations_router() -> APIRouter:
    router = APIRouter()

    @router.get("/ready")
    async def ready(request: Request) -> JSONResponse:
        service: Service = request.app.state.service
        if not getattr(request.app.state, "ready", False):
            return JSONResponse(status_code=503, content={"status": "starting", "model_loaded": False})
        problems = await asyncio.to_thread(_problems, service)
        if problems:
            return JSONResponse(
                status_code=503,
                content={"status": "unavailable", "model_loaded": True, "down": problems},
                headers={"Retry-After": "5"},
            )
        return JSONResponse(content={"status": "ready", "model_loaded": True})

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        service: Service = request.app.state.service
        body = service.metrics.exposition() if service.metrics else b""
        return Response(content=body, media_type=CONTENT_TYPE)

    return router
