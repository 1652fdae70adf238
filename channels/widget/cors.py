"""Cross-origin access for the widget API only: the widget runs on the portal's pages, not ours.

A pure ASGI middleware scoped to path prefixes (``/widget/``, ``/feedback``), so the rest of the
API (REST webhook, ``/model/parse``, platform webhooks) gets no CORS headers at all. No cookies
are involved (the widget identifies itself by its random sender id), so credentials stay off.
Only the configured portal origins are let in (``channels.widget.allowed_origins``); with none, the
API is same-origin only — the demo page and a widget served from our own host — and a preflight from
any other page gets 403. ``"*"`` must be listed to let every page in.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["WidgetCors"]


class WidgetCors:
    def __init__(self, app: ASGIApp, *, allowed_origins: Sequence[str], path_prefixes: Sequence[str]) -> None:
        self.app = app
        self._any = "*" in allowed_origins
        self._origins = {o.rstrip("/") for o in allowed_origins if o != "*"}
        self._prefixes = tuple(path_prefixes)

    def _allowed(self, origin: str | None) -> str | None:
        if not origin:
            return None
        if self._any:
            return "*"
        return origin if origin.rstrip("/") in self._origins else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self._prefixes):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        allowed = self._allowed(headers.get("origin"))
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            preflight = Response(status_code=204 if allowed else 403)
            if allowed:
                preflight.headers.update({
                    "Access-Control-Allow-Origin": allowed,
                    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": "600",
                    "Vary": "Origin",
                })
            await preflight(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and allowed:
                response_headers = MutableHeaders(scope=message)
                response_headers["Access-Control-Allow-Origin"] = allowed
                response_headers.append("Vary", "Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)
