"""The shared per-sender token bucket."""

from __future__ import annotations

import pytest

from channels.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_message_per_refill_interval() -> None:
    clock = Clock()
    limiter = RateLimiter(20, burst=3, clock=clock)
    assert [limiter.allow("zalo:1") for _ in range(4)] == [True, True, True, False]
    clock.now += 2.9  # 20 a minute = one every 3 s
    assert not limiter.allow("zalo:1")
    clock.now += 0.2
    assert limiter.allow("zalo:1") and not limiter.allow("zalo:1")


def test_senders_do_not_share_a_bucket() -> None:
    limiter = RateLimiter(1, burst=1, clock=Clock())
    assert limiter.allow("telegram:1") and not limiter.allow("telegram:1")
    assert limiter.allow("telegram:2") and limiter.allow("zalo:1")


def test_twenty_a_minute_by_default() -> None:
    clock = Clock()
    limiter = RateLimiter(20, clock=clock)
    allowed = 0
    for _ in range(120):  # two messages a second for a minute
        allowed += limiter.allow("web-1")
        clock.now += 0.5
    assert 38 <= allowed <= 41  # 20 at once, then 20 more over the minute


def test_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(60, burst=1, max_keys=100, clock=clock)
    for number in range(1000):
        limiter.allow(f"rest:{number}")
        clock.now += 0.01
    assert len(limiter) <= 100
    assert not limiter.allow("rest:999")  # a recent sender is still remembered


@pytest.mark.parametrize("per_minute, burst", [(0, 1), (-1, 1), (10, 0)])
def test_nonsense_limits_are_refused(per_minute: float, burst: int) -> None:
    with pytest.raises(ValueError):
        RateLimiter(per_minute, burst=burst)
