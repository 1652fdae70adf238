"""Rate limits, webhook de-dup ids and Telegram button codes shared by workers through the real Redis."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from bot.coordination import CoordinationUnavailable
from bot.seen_ids_store import RedisSeenIds
from channels.rate_limit import RedisRateLimiter
from channels.telegram.shared_codes import RedisPayloadCodes
from tests.bot.coordination.conftest import REDIS_URL, needs_redis
from tests.servers import free_port

pytestmark = needs_redis


def test_two_workers_share_one_senders_bucket(sync_redis: Any, prefix: str) -> None:
    assert REDIS_URL
    workers = [
        RedisRateLimiter(redis.Redis.from_url(REDIS_URL), 60, burst=5, prefix=prefix) for _ in range(2)
    ]
    allowed = [workers[i % 2].allow("rest:user") for i in range(8)]
    assert allowed == [True] * 5 + [False] * 3  # the burst once, not once per worker
    assert workers[0].allow("rest:someone-else")


def test_a_resent_event_reaching_another_worker_is_a_duplicate(sync_redis: Any, prefix: str) -> None:
    assert REDIS_URL
    one = RedisSeenIds(sync_redis, ttl_seconds=60, prefix=prefix)
    other = RedisSeenIds(redis.Redis.from_url(REDIS_URL), ttl_seconds=60, prefix=prefix)
    assert one.first_time("zalo:msg:abc")
    assert not other.first_time("zalo:msg:abc")
    other.forget("zalo:msg:abc")
    assert one.first_time("zalo:msg:abc")


def test_a_button_code_made_by_one_worker_is_read_by_another(sync_redis: Any, prefix: str) -> None:
    payload = '/ask_fee{"procedure": "work_permit_issue_for_foreign_workers_in_vietnam"}'
    code = RedisPayloadCodes(sync_redis, prefix=prefix).encode(payload)
    assert code.startswith("#") and len(code.encode()) <= 64
    assert RedisPayloadCodes(sync_redis, prefix=prefix).decode(code) == payload
    assert RedisPayloadCodes(sync_redis, prefix=prefix).decode("#unknown") is None


def test_redis_down_refuses_rather_than_serving_unlimited() -> None:
    down = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.3)
    with pytest.raises(CoordinationUnavailable):
        RedisRateLimiter(down, 60, burst=5).allow("rest:user")
    with pytest.raises(CoordinationUnavailable):
        RedisSeenIds(down, ttl_seconds=60).first_time("telegram:update:1")
