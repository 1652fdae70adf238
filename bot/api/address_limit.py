"""A per-client-address rate limit on the public endpoints: ``429 {"error"}`` with ``Retry-After``.

The per-sender limit of the channels (``channels.rate_limit``) is dodged by picking a new sender id
for every request; an address (an IPv6 one by its /64, ``bot.client_address``) is not so cheap to
change. One in-memory token bucket per address, ``burst`` requests at once refilled at
``per_minute``: with several processes each keeps its own, which only makes the limit per process.
Covered: the parse API, the REST channel (webhook, pending), the web widget, feedback, the
procedure API and the action server. Not covered: health and metrics, the Telegram and Zalo
webhooks (every event comes from the platform's few addresses; they are signed and limited per
user), and the dossier service (its own API key).
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.client_address import address_key
from channels.rate_limit import RateLimiter

__all__ = ["LIMITED_PATHS", "LIMITED_PREFIXES", "AddressLimit"]

LIMITED_PATHS = frozenset({"/model/parse", "/webhook", "/actions", "/feedback", "/api/procedures"})
LIMITED_PREFIXES = ("/webhooks/rest/", "/widget/", "/api/procedures/")
TOO_MANY = "Dạ, anh/chị đang gửi quá nhiều yêu cầu. Anh/chị vui lòng đợi một chút rồi thử lại ạ."


def limited(path: str) -> bool:
    return path in LIMITED_PATHS or path.startswith(LIMITED_PREFIXES)


class AddressLimit:
    def __init__(self, app: ASGIApp, *, per_minute: float, burst: int) -> None:
        self.app = app
        self._limiter = RateLimiter(per_minute, burst=burst)
        self._retry_after = str(max(1, round(60.0 / per_minute)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not limited(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = address_key(client[0] if client else None) or "unknown"
        if self._limiter.allow(key):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            status_code=429, content={"error": TOO_MANY}, headers={"Retry-After": self._retry_after}
        )
        await response(scope, receive, send)
