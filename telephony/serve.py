"""``dvcbot ivr --fastagi PORT``: the assistant built as ``dvcbot run`` builds it, serving FastAGI."""

from __future__ import annotations

import asyncio
import logging

from bot.service import build_service
from bot.settings import Settings
from bot.warmup import warm_up
from telephony.assembly import build_call_flow
from telephony.fastagi import serve_fastagi

__all__ = ["run_fastagi"]

log = logging.getLogger("dvcbot.telephony")


def run_fastagi(settings: Settings, host: str | None, port: int) -> int:
    service = build_service(settings)
    warm_up(service)
    flow = build_call_flow(service)
    options = settings.telephony.fastagi
    address = host or options.host

    async def serve() -> None:
        server = await serve_fastagi(flow, options, address, port)
        bound = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
        log.info("FastAGI listening on %s: AGI(agi://%s/%s) in the dialplan", bound, bound, options.script)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    return 0
