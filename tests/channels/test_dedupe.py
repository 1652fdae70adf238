"""The memory of handled message ids (Zalo ``msg_id``, Telegram ``update_id``)."""

from __future__ import annotations

from channels.dedupe import RecentIds


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_id_is_new_once_until_it_expires() -> None:
    clock = Clock()
    recent = RecentIds(ttl_seconds=60, clock=clock)
    assert recent.first_time("96d3cdf3af150460909")
    assert not recent.first_time("96d3cdf3af150460909")
    clock.now += 61
    assert recent.first_time("96d3cdf3af150460909")


def test_size_is_bounded_and_forget_allows_a_retry() -> None:
    recent = RecentIds(ttl_seconds=3600, max_items=3, clock=Clock())
    for message_id in "abcd":
        assert recent.first_time(message_id)
    assert len(recent) == 3 and recent.first_time("a")  # the oldest went first
    recent.forget("d")
    assert recent.first_time("d")
