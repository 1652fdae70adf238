"""A small memory of message ids already handled, so a platform's resend is not answered twice.

Zalo resends an event it thinks was slow and Telegram redelivers an update it thinks was lost;
both carry a stable id (``message.msg_id``, ``update_id``). ``RecentIds.first_time(id)`` is
``True`` once per id within ``ttl_seconds``; entries expire in insertion order, and the store never
holds more than ``max_items`` ids. It forgets everything on a restart: the webhooks use a persisted
``SeenIds`` (``bot.seen_ids_store``) in the service, so a signed event replayed after a restart is
not answered again; ``RecentIds`` is the in-process fallback and the tests' double.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

__all__ = ["RecentIds", "SeenIds"]


class SeenIds(Protocol):
    """The port the webhooks de-duplicate through; keys are namespaced by the caller (``zalo:msg:…``)."""

    def first_time(self, message_id: str) -> bool:
        """Remember ``message_id``; ``False`` if it was already seen and has not expired."""
        ...

    def forget(self, message_id: str) -> None:
        """Let a message be handled again (its processing failed before anything was sent)."""
        ...


class RecentIds:
    def __init__(
        self,
        *,
        ttl_seconds: float = 3600.0,
        max_items: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_items
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, message_id: str) -> bool:
        """Remember ``message_id``; ``False`` if it was already seen and has not expired."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if message_id in self._seen:
                return False
            self._seen[message_id] = now + self._ttl
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
            return True

    def forget(self, message_id: str) -> None:
        """Let a message be handled again (its processing failed before anything was sent)."""
        with self._lock:
            self._seen.pop(message_id, None)

    def _expire(self, now: float) -> None:
        while self._seen:
            oldest, expires = next(iter(self._seen.items()))
            if expires > now:
                return
            del self._seen[oldest]

    def __len__(self) -> int:
        return len(self._seen)
