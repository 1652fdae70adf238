"""Announcing status changes to whoever listens (the bot's notifier when the service runs inside it).

A real one-stop system would call a webhook; in-process, listeners are plain async callbacks
given the dossier code. A failing listener is logged and never fails the write that triggered it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

__all__ = ["StatusChangeHub", "StatusListener"]

log = logging.getLogger("dvcbot.dossier.service")

StatusListener = Callable[[str], Awaitable[object]]


class StatusChangeHub:
    def __init__(self) -> None:
        self._listeners: list[StatusListener] = []

    def subscribe(self, listener: StatusListener) -> None:
        self._listeners.append(listener)

    async def publish(self, code: str) -> None:
        for listener in list(self._listeners):
            try:
                await listener(code)
            except Exception:  # one listener must not stop the others
                log.exception("status-change listener failed")
