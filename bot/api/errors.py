"""JSON error bodies for every FastAPI app of the project: ``{"error": ..., "details"?: [...]}``.

Bad input gets a 4xx that says what is wrong; an unexpected failure is logged with its trace and
answered 500 with a message that does not leak internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["install_error_handlers"]

log = logging.getLogger("dvcbot.http")


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
        return JSONResponse(status_code=error.status_code, content={"error": str(error.detail)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse(status_code=500, content={"error": "internal error; the request was not processed"})
