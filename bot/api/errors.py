"""JSON error bodies for every FastAPI app of the project: ``{"error": ..., "details"?: [...]}``.

Bad input gets a 4xx that says what is wrong. An unexpected failure is logged with its trace and
answered by ``InternalErrors``, a plain ASGI middleware just inside Starlette's own error
middleware: 503 with ``Retry-After`` when a store or backend (the database, the dossier system, a
service behind a proxy) is unreachable or answers 502/503/504, 500 otherwise; in Vietnamese on every
endpoint (the widget and portal pages show ``error`` to citizens as it is), never leaking internals. It answers *instead of* Starlette's
``ServerErrorMiddleware``, which re-raises after its 500 so that uvicorn closes the kept-alive
connection and the client's next request on it fails unprocessed.
"""

from __future__ import annotations

import logging

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.privacy import mask_numbers
from bot.storable import UnstorableMessage

__all__ = ["InternalErrors", "error_response", "install_error_handlers"]

log = logging.getLogger("dvcbot.http")

CHAT_INTERNAL = "Dạ, hệ thống đang gặp sự cố nên chưa trả lời được tin nhắn này. Anh/chị vui lòng thử lại sau ít phút ạ."
CHAT_UNAVAILABLE = "Dạ, hệ thống tạm thời chưa sẵn sàng. Anh/chị vui lòng thử lại sau ít phút ạ."
API_INTERNAL = "Dạ, hệ thống đang gặp sự cố nên chưa xử lý được yêu cầu này. Anh/chị vui lòng thử lại sau ít phút ạ."
API_UNAVAILABLE = CHAT_UNAVAILABLE
RETRY_AFTER_SECONDS = 5
_CHAT_PATHS = ("/webhooks/", "/widget/messages", "/feedback")
_UNAVAILABLE = (OperationalError, PoolTimeoutError, ConnectionError, TimeoutError, httpx.TransportError)
_GATEWAY_STATUS = frozenset({502, 503, 504})  # what a proxy answers when the service behind it is down


def _unavailable(error: Exception) -> bool:
    """A dependency that is down or too slow (retrying later may work), not a bug."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in _GATEWAY_STATUS
    return isinstance(error, _UNAVAILABLE)


def error_response(path: str, error: Exception) -> JSONResponse:
    if isinstance(error, UnstorableMessage):  # an adapter let it through; still the client's input
        return JSONResponse(status_code=422, content={"error": "invalid request body", "details": [str(error)]})
    chat = path.startswith(_CHAT_PATHS)
    if _unavailable(error):
        return JSONResponse(
            status_code=503,
            content={"error": CHAT_UNAVAILABLE if chat else API_UNAVAILABLE},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse(status_code=500, content={"error": CHAT_INTERNAL if chat else API_INTERNAL})


class InternalErrors:
    """Turns an exception that escaped the routes into a JSON 500/503 and keeps the connection open.

    When the response had already been sent whole (a mounted app answered, then re-raised), the
    exception is only logged; when half of it had been sent, it is re-raised, as only closing the
    connection can tell the client that the response is broken.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = complete = False

        async def tracked(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as error:
            path = str(scope.get("path", ""))
            if not isinstance(error, UnstorableMessage):
                log.exception("unhandled error on %s %s", scope.get("method"), mask_numbers(path))
            if complete:
                return
            if started:
                raise
            await error_response(path, error)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in issue.get("loc", ()) if p != "body"), "problem": issue.get("msg")}
            for issue in error.errors()
        ]
        return JSONResponse(status_code=422, content={"error": "invalid request body", "details": problems})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=error.status_code, content={"error": str(error.detail)}, headers=error.headers)

    app.add_middleware(InternalErrors)
