"""Per-sender rate limiting shared by every channel: a token bucket, in-process or in Redis.

Each sender (keyed by channel and sender id, ``"telegram:12345"``) holds a bucket of ``burst``
tokens that refills at ``per_minute / 60`` tokens a second; a message takes one token, and a
message that finds the bucket empty is refused before it reaches the core. In-process on purpose:
with sticky routing on the sender id (see the README) one process sees all of a sender's turns, and
nothing else needs a shared store; without sticky routing (``--workers N``) the buckets live in Redis
(``RedisRateLimiter``). Buckets that have refilled completely carry no information and
are dropped when the table grows, so memory stays bounded by the number of *recent* senders.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError

from bot.coordination.errors import CoordinationUnavailable

__all__ = ["Limiter", "RateLimiter", "RedisRateLimiter"]


class Limiter(Protocol):
    """What the channels ask before a message reaches the core."""

    def allow(self, key: str) -> bool: ...


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``allow(key)`` is ``True`` while ``key`` stays under ``per_minute`` messages a minute."""

    def __init__(
        self,
        per_minute: float,
        *,
        burst: int | None = None,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self.capacity = float(burst if burst is not None else max(1, int(per_minute)))
        if self.capacity < 1:
            raise ValueError("burst must be at least 1")
        self._rate = per_minute / 60.0
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        # Adapters run on one event loop, but the polling CLI and tests may call from threads.
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self._max_keys:
                    self._prune(now)
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            else:
                bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self._rate)
                bucket.updated = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def _prune(self, now: float) -> None:
        """Drop buckets that are full again; if none are, the oldest half (they refill first)."""
        full = [
            key for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self._rate >= self.capacity
        ]
        if not full:
            by_age = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            full = by_age[: max(1, len(by_age) // 2)]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


# KEYS: the bucket. ARGV: capacity, tokens per second. The Redis clock, so every worker agrees.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return allowed
"""


class RedisRateLimiter:
    """The same token bucket as ``RateLimiter``, kept in Redis so every worker counts the same sender.

    Needed once turns of one sender may reach different workers (``--workers N``, a load balancer
    without sticky routing): per-process buckets would each grant the whole burst. A bucket is a
    hash that expires once it would be full again. While Redis is unreachable, ``allow`` raises
    ``CoordinationUnavailable`` (a 503): refusing is safer than serving without a limit.
    """

    def __init__(self, client: Any, per_minute: float, *, burst: int | None = None, prefix: str = "dvcbot:") -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self.capacity = float(burst if burst is not None else max(1, int(per_minute)))
        if self.capacity < 1:
            raise ValueError("burst must be at least 1")
        self._rate = per_minute / 60.0
        self._prefix = prefix
        self._take = client.register_script(_TAKE)

    def allow(self, key: str) -> bool:
        try:
            return bool(self._take(keys=[f"{self._prefix}rate:{key}"], args=[self.capacity, self._rate]))
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for the rate limit: {error}") from error
