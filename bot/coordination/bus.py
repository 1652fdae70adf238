"""The outbound message bus: a message for a user reaches the worker that user is connected to.

A user's live connection (the hotline console's socket, a widget's event stream) is held by one
worker; the agent's reply or a dossier alert may be produced by another. The producer publishes on
the user's topic, every worker subscribed to it receives the message, and the one holding the
connection delivers it::

    topic = user_topic("widget", sender_id)
    await bus.publish(topic, {"text": "Hồ sơ của anh/chị đã có kết quả."})

    async with bus.subscribe(topic) as messages:   # where the connection is held
        async for message in messages:
            await websocket.send_json(message)

Messages are JSON objects; delivery is at most once to each subscriber present when it is published
(Redis pub/sub): a message that must not be lost is also stored (``bot.pending``) and this bus only
says "there is something new". ``LocalBus`` serves one process; ``RedisBus`` any number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

from redis.exceptions import RedisError

from bot.coordination.errors import CoordinationUnavailable

__all__ = ["Bus", "LocalBus", "RedisBus", "user_topic"]

Message = dict[str, Any]
_QUEUE_SIZE = 1000  # a subscriber that falls this far behind loses the oldest messages


def user_topic(channel: str, sender_id: str) -> str:
    """The topic of one user on one channel: ``user_topic("widget", "web-1f…")`` → ``"user:widget:web-1f…"``."""
    return f"user:{channel}:{sender_id}"


class Bus(Protocol):
    async def publish(self, topic: str, message: Message) -> int:
        """Send ``message`` to the topic's current subscribers; how many workers (Redis) or queues got it."""
        ...

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Message]]:
        """Messages published on ``topic`` from now on, until the block ends."""
        ...


class _Subscription:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=_QUEUE_SIZE)

    def put(self, message: Message) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(message)

    async def __aiter__(self) -> AsyncIterator[Message]:
        while True:
            yield await self.queue.get()


class LocalBus:
    """In one process: each subscriber gets its own queue."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[_Subscription]] = defaultdict(set)

    async def publish(self, topic: str, message: Message) -> int:
        subscribers = list(self._subscribers.get(topic, ()))
        for subscription in subscribers:
            subscription.put(dict(message))
        return len(subscribers)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Message]]:
        subscription = _Subscription()
        self._subscribers[topic].add(subscription)
        try:
            yield subscription.__aiter__()
        finally:
            self._subscribers[topic].discard(subscription)
            if not self._subscribers[topic]:
                del self._subscribers[topic]


class RedisBus:
    """Across workers: Redis pub/sub (``PUBLISH`` / ``SUBSCRIBE``) on one connection per worker.

    However many users are connected to this worker, it holds one subscribing connection: each
    topic is subscribed in Redis while someone here listens to it, and one reader task hands every
    message to the local subscribers of its topic. When that connection breaks (Redis restarted),
    the reader subscribes every topic again and tells each subscriber ``{"resync": true}``: messages
    published meanwhile were missed, so whoever listens should look at what is stored.
    """

    def __init__(self, client: Any, *, prefix: str = "dvcbot:", retry_seconds: float = 0.5) -> None:
        self._redis = client  # redis.asyncio.Redis
        self._prefix = prefix
        self._retry = retry_seconds
        self._local: defaultdict[str, set[_Subscription]] = defaultdict(set)
        self._pubsub: Any | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changes = asyncio.Lock()

    async def publish(self, topic: str, message: Message) -> int:
        try:
            return int(
                await self._redis.publish(self._prefix + topic, json.dumps(message, ensure_ascii=False))
            )
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for publishing: {error}") from error

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Message]]:
        subscription = _Subscription()
        channel = self._prefix + topic
        async with self._changes:
            try:
                if self._pubsub is None:
                    self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                if not self._local.get(channel):
                    await self._pubsub.subscribe(channel)
            except (RedisError, OSError) as error:
                raise CoordinationUnavailable(f"Redis unreachable for subscribing: {error}") from error
            self._local[channel].add(subscription)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read())
        try:
            yield subscription.__aiter__()
        finally:
            async with self._changes:
                self._local[channel].discard(subscription)
                if not self._local[channel]:
                    del self._local[channel]
                    if self._pubsub is not None:
                        with contextlib.suppress(RedisError, OSError):
                            await self._pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        while self._local:
            pubsub = self._pubsub
            try:
                assert pubsub is not None
                raw = await pubsub.get_message(timeout=1.0)
            except (RedisError, OSError, AssertionError):
                await self._reconnect()
                continue
            if raw is None or raw.get("type") != "message":
                continue
            channel = raw["channel"].decode() if isinstance(raw["channel"], bytes) else str(raw["channel"])
            try:
                decoded = json.loads(raw["data"])
            except (TypeError, ValueError):
                continue
            if isinstance(decoded, dict):
                for subscription in list(self._local.get(channel, ())):
                    subscription.put(dict(decoded))

    async def _reconnect(self) -> None:
        await asyncio.sleep(self._retry)
        async with self._changes:
            if self._pubsub is not None:
                with contextlib.suppress(RedisError, OSError):
                    await self._pubsub.aclose()
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                if self._local:
                    await self._pubsub.subscribe(*self._local)
            except (RedisError, OSError):
                return  # still down: the reader tries again
            for subscriptions in self._local.values():
                for subscription in subscriptions:
                    subscription.put({"resync": True})

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
