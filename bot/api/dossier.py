"""Mounting dossier status on the app: the reference service under its prefix, and the alert poller.

``mount_dossier(app, service)`` mounts the embedded reference one-stop service (when enabled) at
``settings.dossier.service.prefix``; its ``running()`` context, entered in the app's lifespan, polls
subscribed dossiers every ``notifications.poll_seconds`` for status systems that do not push.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import FastAPI

from bot.service import Service

__all__ = ["DossierMount", "mount_dossier"]


@dataclass(slots=True)
class DossierMount:
    service: Service

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        runtime = self.service.dossier
        notifier = runtime.notifier if runtime else None
        if runtime is None or notifier is None or runtime.poll_seconds <= 0:
            yield
            return
        task = asyncio.create_task(notifier.run(runtime.poll_seconds), name="dossier-alert-poller")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def mount_dossier(app: FastAPI, service: Service) -> DossierMount:
    runtime = service.dossier
    if runtime is not None and runtime.reference_app is not None:
        app.mount(service.settings.dossier.service.prefix, runtime.reference_app, name="dossier-service")
    return DossierMount(service)
