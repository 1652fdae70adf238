"""Tells subscribed applicants when their dossier's status changes, on the channel they used.

``check(code)`` re-reads the dossier through the same ``DossierStatusClient`` the chat uses and
compares its status with the last one each subscriber was told; the embedded reference service
calls it as soon as it records a change, and ``run`` polls every subscribed code for systems that
cannot push. A failed send is logged and left for the next check, so nothing is marked as told
before it was sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from actions.dossier_render import render_change
from bot.messages import BotMessage
from bot.outputs import OutputRegistry
from knowledge.dossier.client import DossierServiceUnavailable, DossierStatusClient
from knowledge.dossier.models import FINAL_STATUSES
from knowledge.dossier.subscriptions import SubscriptionStore

__all__ = ["DossierNotifier"]

log = logging.getLogger("dvcbot.dossier.notifier")


class DossierNotifier:
    def __init__(
        self,
        *,
        client: DossierStatusClient,
        subscriptions: SubscriptionStore,
        outputs: OutputRegistry,
        hotline: str,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._client = client
        self._subscriptions = subscriptions
        self._outputs = outputs
        self._hotline = hotline
        self._today = today

    async def check(self, code: str) -> int:
        """Send the change to every subscriber of ``code`` not told yet; returns how many were sent."""
        subscribers = await asyncio.to_thread(self._subscriptions.active_for, code=code)
        if not subscribers:
            return 0
        try:
            record = await self._client.lookup(code)
        except DossierServiceUnavailable as error:
            log.warning("status alert check postponed: %s", error)
            return 0
        if record is None:
            return 0
        status = record.effective_status(self._today())
        sent = 0
        for subscription in subscribers:
            if subscription.last_status == status.value:
                continue
            message = BotMessage(subscription.sender_id, render_change(record, status, self._hotline))
            try:
                await self._outputs.send(subscription.channel, subscription.sender_id, [message])
            except Exception:  # one channel's failure must not stop the other subscribers
                log.exception("status alert on channel %s failed; will retry", subscription.channel)
                continue
            await asyncio.to_thread(
                self._subscriptions.mark_notified, subscription.id, status=status.value, final=status in FINAL_STATUSES
            )
            sent += 1
        return sent

    async def poll_once(self) -> int:
        sent = 0
        for code in await asyncio.to_thread(self._subscriptions.active_codes):
            sent += await self.check(code)
        return sent

    async def run(self, interval_seconds: float) -> None:
        """Poll forever (until cancelled), for status systems that do not push their changes."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.poll_once()
            except Exception:  # keep polling after an unexpected error
                log.exception("status alert poll failed")
