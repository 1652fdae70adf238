"""Builds what the workers share from ``Settings``: Redis when ``redis.url`` is set, memory otherwise.

``Coordination`` hands each part its version: the conversation locks and the outbound bus (the
agent, the console), the rate limiter, the webhook de-duplication and Telegram's button codes (the
channels). ``ping()`` is what ``/ready`` asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.coordination.bus import Bus, LocalBus, RedisBus
from bot.coordination.locks import ConversationLocks, LocalLocks, RedisLocks, WaitObserver
from bot.settings import RedisSettings
from channels.dedupe import SeenIds
from channels.rate_limit import Limiter, RateLimiter, RedisRateLimiter

__all__ = ["Coordination", "build_coordination"]


@dataclass
class Coordination:
    locks: ConversationLocks
    bus: Bus
    settings: RedisSettings
    redis: Any | None = None  # redis.Redis (sync: limits, de-dup ids, button codes)
    redis_async: Any | None = None  # redis.asyncio.Redis (locks, bus)

    @property
    def shared(self) -> bool:
        return self.redis is not None

    @property
    def announcer(self) -> RedisLocks | None:
        """What takes a request's place in its conversation's queue at the HTTP edge (Redis only)."""
        return self.locks if isinstance(self.locks, RedisLocks) else None

    def rate_limiter(self, per_minute: float, burst: int) -> Limiter:
        if self.redis is None:
            return RateLimiter(per_minute, burst=burst)
        return RedisRateLimiter(self.redis, per_minute, burst=burst, prefix=self.settings.key_prefix)

    def seen_ids(self, engine: Engine, *, ttl_seconds: float) -> SeenIds:
        from bot.seen_ids_store import RedisSeenIds, SqlSeenIds

        if self.redis is None:
            return SqlSeenIds(engine, ttl_seconds=ttl_seconds)
        return RedisSeenIds(self.redis, ttl_seconds=ttl_seconds, prefix=self.settings.key_prefix)

    def payload_codes(self) -> Any | None:
        """Telegram's button codes shared by the workers, or ``None`` (the channel's own memory)."""
        if self.redis is None:
            return None
        from channels.telegram.shared_codes import RedisPayloadCodes

        return RedisPayloadCodes(self.redis, prefix=self.settings.key_prefix)

    def ping(self) -> None:
        """Raises when Redis is configured and unreachable."""
        if self.redis is not None:
            self.redis.ping()

    async def close(self) -> None:
        if isinstance(self.locks, RedisLocks):
            self.locks.close()
        if isinstance(self.bus, RedisBus):
            await self.bus.close()
        if self.redis_async is not None:
            await self.redis_async.aclose(close_connection_pool=True)
        if self.redis is not None:
            self.redis.close()
            self.redis.connection_pool.disconnect()


def build_coordination(settings: RedisSettings, *, observe_wait: WaitObserver | None = None) -> Coordination:
    if not settings.enabled:
        return Coordination(LocalLocks(observe_wait), LocalBus(), settings)
    import redis
    import redis.asyncio

    options = {
        "socket_timeout": settings.socket_timeout_seconds,
        "socket_connect_timeout": settings.socket_timeout_seconds,
        "health_check_interval": 5,
    }
    # Blocking pools: under a burst (500 conversations at once) a command waits for a free connection
    # instead of being refused ("Too many connections") or opening one per waiting turn.
    sync_client = redis.Redis(
        connection_pool=redis.BlockingConnectionPool.from_url(
            settings.url,
            max_connections=settings.max_connections,
            timeout=settings.pool_wait_seconds,
            **options,
        )
    )
    async_client = redis.asyncio.Redis(
        connection_pool=redis.asyncio.BlockingConnectionPool.from_url(
            settings.url,
            max_connections=settings.max_connections,
            timeout=settings.pool_wait_seconds,
            **options,
        )
    )
    locks = RedisLocks(
        async_client,
        prefix=settings.key_prefix,
        lease_seconds=settings.lock_lease_seconds,
        wait_seconds=settings.lock_wait_seconds,
        order_wait_seconds=settings.order_wait_seconds,
        observe_wait=observe_wait,
        # its own connection with a short timeout: numbering blocks the event loop for a round trip
        numbering_client=redis.Redis.from_url(
            settings.url, socket_timeout=0.05, socket_connect_timeout=0.05, single_connection_client=True
        ),
    )
    return Coordination(
        locks,
        RedisBus(async_client, prefix=settings.key_prefix),
        settings,
        redis=sync_client,
        redis_async=async_client,
    )
