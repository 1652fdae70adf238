"""Makes the client address of each HTTP request known to the code serving it (``bot.client_address``).

Plain ASGI, so the context variable is set in the task that runs the route and everything it
awaits (the agent, the actions, threads started with ``asyncio.to_thread``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.client_address import serving_client

__all__ = ["ClientContext"]


class ClientContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        with serving_client(client[0] if client else None):
            await self.app(scope, receive, send)
