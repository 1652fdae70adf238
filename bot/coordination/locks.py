"""Per-conversation locks: one turn of a conversation at a time, in one process or across many.

``async with locks.hold(sender_id) as held:`` runs the turn; ``held.fence`` is the token the tracker
store checks at the write (``SqlTrackerStore.save(..., fence=held.fence)``).

- ``LocalLocks``: asyncio locks, for one process (the embedded default). No fence: nothing else writes.
- ``RedisLocks``: a lock key per conversation with a lease (``SET NX PX``), renewed while the turn
  runs, so a worker killed mid-turn frees the conversation when the lease ends. Each acquisition gets a
  fencing token that only grows (a counter per conversation, floored at the Redis clock in
  microseconds, so it keeps growing after Redis restarts empty); the store refuses a write with a
  token older than the last writer's. A worker that lost its lease (paused, partitioned) and wakes up
  to write is refused instead of overwriting the turn of the worker that took over. While Redis is
  unreachable, ``hold`` raises ``CoordinationUnavailable``: the turn is refused, never run unlocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError

from bot.coordination.errors import CoordinationUnavailable

__all__ = ["ConversationLocks", "Held", "LocalLocks", "RedisLocks"]

# Called with the seconds a turn waited for its conversation's lock (0.0 when it was free).
WaitObserver = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Held:
    fence: int | None  # None: an in-process lock, nothing to fence against
    waited_seconds: float


class ConversationLocks(Protocol):
    def hold(self, sender_id: str) -> contextlib.AbstractAsyncContextManager[Held]: ...


class LocalLocks:
    """One asyncio lock per conversation with a turn running or waiting; dropped when free."""

    def __init__(self, observe_wait: WaitObserver | None = None) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._observe = observe_wait

    @contextlib.asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[Held]:
        lock, users = self._locks.get(sender_id) or (asyncio.Lock(), 0)
        self._locks[sender_id] = (lock, users + 1)
        started = time.perf_counter()
        try:
            async with lock:
                waited = time.perf_counter() - started
                if self._observe:
                    self._observe(waited)
                yield Held(None, waited)
        finally:
            lock, users = self._locks[sender_id]
            if users <= 1:
                del self._locks[sender_id]
            else:
                self._locks[sender_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


# KEYS: lock, fence counter. ARGV: lease ms, counter ttl ms. Returns the token, or 0 if held.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
if token < floor then
  token = floor
  redis.call('SET', KEYS[2], string.format('%.0f', token))
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], string.format('%.0f', token), 'PX', ARGV[1])
return token
"""
# KEYS: lock. ARGV: token, lease ms. Extends the lease only for its holder.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_COUNTER_TTL_MS = 7 * 24 * 3600 * 1000  # the clock floor keeps tokens growing once a counter expires


class RedisLocks:
    def __init__(
        self,
        client: Any,  # redis.asyncio.Redis
        *,
        prefix: str = "dvcbot:",
        lease_seconds: float = 10.0,
        wait_seconds: float = 10.0,
        poll_seconds: float = 0.003,
        observe_wait: WaitObserver | None = None,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._lease_ms = max(1, int(lease_seconds * 1000))
        self._wait = wait_seconds
        self._poll = poll_seconds
        self._observe = observe_wait
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def _keys(self, sender_id: str) -> tuple[str, str]:
        return f"{self._prefix}lock:{sender_id}", f"{self._prefix}fence:{sender_id}"

    @contextlib.asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[Held]:
        lock_key, fence_key = self._keys(sender_id)
        started = time.perf_counter()
        token = await self._take(lock_key, fence_key, started)
        waited = time.perf_counter() - started
        if self._observe:
            self._observe(waited)
        renewal = asyncio.create_task(self._keep(lock_key, token))
        try:
            yield Held(token, waited)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            with contextlib.suppress(RedisError, OSError):  # unreleased, it expires with its lease
                await self._release(keys=[lock_key], args=[token])

    async def _take(self, lock_key: str, fence_key: str, started: float) -> int:
        while True:
            try:
                token = int(
                    await self._acquire(keys=[lock_key, fence_key], args=[self._lease_ms, _COUNTER_TTL_MS])
                )
            except (RedisError, OSError) as error:
                raise CoordinationUnavailable(
                    f"Redis unreachable for the conversation lock: {error}"
                ) from error
            if token:
                return token
            if time.perf_counter() - started > self._wait:
                raise CoordinationUnavailable("the conversation is busy with another turn")
            await asyncio.sleep(self._poll * (0.5 + random.random()))

    async def _keep(self, lock_key: str, token: int) -> None:
        """Renew the lease at a third of its length until the turn ends (a dead worker stops renewing)."""
        while True:
            await asyncio.sleep(self._lease_ms / 3000)
            try:
                if not await self._renew(keys=[lock_key], args=[token, self._lease_ms]):
                    return  # lost it; the store's fence refuses this worker's write if another took over
            except (RedisError, OSError):
                continue
