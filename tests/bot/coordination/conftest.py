"""Redis for the coordination tests: the real server at ``DVCBOT_TEST_REDIS_URL`` (``.ci/run`` sets it).

Every test uses its own key prefix, so tests never see each other's keys (and never flush anything).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import redis
import redis.asyncio

REDIS_URL = os.environ.get("DVCBOT_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="DVCBOT_TEST_REDIS_URL not set")


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:10]}:"


@pytest.fixture
def sync_redis(prefix: str) -> Iterator[Any]:
    assert REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture
async def async_redis() -> AsyncIterator[Any]:
    assert REDIS_URL
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def other_async_redis() -> AsyncIterator[Any]:
    """A second connection pool: what another worker would have."""
    assert REDIS_URL
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()
