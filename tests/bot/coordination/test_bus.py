"""The outbound bus: a message published by one worker reaches the subscriber on another (real Redis)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.coordination import LocalBus, RedisBus, user_topic
from tests.bot.coordination.conftest import needs_redis


async def first(messages: Any) -> dict[str, Any]:
    async for message in messages:
        return dict(message)
    raise AssertionError("subscription ended")


@needs_redis
async def test_a_reply_published_on_one_worker_reaches_the_user_on_another(
    async_redis: Any, other_async_redis: Any, prefix: str
) -> None:
    holding_the_connection = RedisBus(async_redis, prefix=prefix)
    producing_the_reply = RedisBus(other_async_redis, prefix=prefix)
    topic = user_topic("widget", "web-1234")
    async with holding_the_connection.subscribe(topic) as messages:
        receiver = asyncio.create_task(first(messages))
        await asyncio.sleep(0.05)
        assert await producing_the_reply.publish(topic, {"text": "Hồ sơ của anh/chị đã có kết quả."}) == 1
        assert await asyncio.wait_for(receiver, 5) == {"text": "Hồ sơ của anh/chị đã có kết quả."}
    # nobody subscribed any more: published to no one
    assert await producing_the_reply.publish(topic, {"text": "x"}) == 0


async def test_local_bus_delivers_only_to_the_topic() -> None:
    bus = LocalBus()
    async with bus.subscribe(user_topic("rest", "a")) as a, bus.subscribe(user_topic("rest", "b")) as b:
        got_b = asyncio.create_task(first(b))
        assert await bus.publish(user_topic("rest", "a"), {"text": "cho a"}) == 1
        assert await first(a) == {"text": "cho a"}
        await asyncio.sleep(0.01)
        assert not got_b.done()
        got_b.cancel()
