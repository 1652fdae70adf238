"""Conversation locks on the real Redis: exclusion, arrival order, leases, fencing, Redis down."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import redis.asyncio

from bot.coordination import CoordinationUnavailable, LocalLocks, RedisLocks
from bot.coordination.tickets import Ticket, reset_ticket, using_ticket
from tests.bot.coordination.conftest import needs_redis
from tests.servers import free_port

pytestmark = needs_redis


async def test_two_workers_never_hold_one_conversation_at_once(
    async_redis: Any, other_async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    workers = [RedisLocks(client, prefix=prefix) for client in (async_redis, other_async_redis)]
    inside = 0
    most = 0
    tokens: list[int] = []

    async def turn(i: int) -> None:
        nonlocal inside, most
        async with workers[i % 2].hold("user-1") as held:
            inside += 1
            most = max(most, inside)
            tokens.append(held.fence or 0)
            await asyncio.sleep(0.002)
            inside -= 1

    await asyncio.gather(*(turn(i) for i in range(20)))
    assert most == 1
    assert tokens == sorted(tokens) and len(set(tokens)) == 20  # every holder a newer fence


async def test_turns_are_served_in_the_order_they_were_received(
    async_redis: Any, other_async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    """Numbered as received (``announce``, at the HTTP edge), then asking for the lock in the reverse
    order, on two workers: served in the order received."""
    workers = [RedisLocks(client, prefix=prefix) for client in (async_redis, other_async_redis)]
    tickets = [await workers[i % 2].announce("user-2", time.time()) for i in range(5)]
    assert [t.number for t in tickets] == sorted(t.number for t in tickets)
    served: list[int] = []

    async def turn(i: int, delay: float) -> None:
        await asyncio.sleep(delay)  # the later request asks for the lock first
        token = using_ticket(tickets[i])
        try:
            async with workers[i % 2].hold("user-2"):
                served.append(i)
                await asyncio.sleep(0.001)
        finally:
            reset_ticket(token)

    await asyncio.gather(*(turn(i, delay) for i, delay in enumerate([0.012, 0.009, 0.006, 0.003, 0.0])))
    assert served == [0, 1, 2, 3, 4]


async def test_a_turn_the_client_numbered_waits_for_the_one_it_sent_before(
    async_redis: Any, other_async_redis: Any, prefix: str
) -> None:
    """The client's sequence 2 is received first (its worker was idle), sequence 1 a moment later on a
    busier worker: served 1 then 2, and 2 waited only until 1 was served."""
    workers = [RedisLocks(client, prefix=prefix, order_wait_seconds=2.0) for client in (async_redis, other_async_redis)]
    served: list[int] = []

    async def turn(worker: RedisLocks, sequence: int, delay: float) -> None:
        await asyncio.sleep(delay)
        token = using_ticket(await worker.announce("user-8", time.time(), sequence))
        try:
            async with worker.hold("user-8"):
                served.append(sequence)
        finally:
            reset_ticket(token)

    started = time.perf_counter()
    await asyncio.gather(turn(workers[0], 2, 0.0), turn(workers[1], 1, 0.05))
    assert served == [1, 2]
    assert time.perf_counter() - started < 1.0  # not the whole order wait: 1 came and was served


async def test_a_numbered_turn_whose_predecessor_never_comes_waits_once_then_runs(
    async_redis: Any, prefix: str
) -> None:
    locks = RedisLocks(async_redis, prefix=prefix, order_wait_seconds=0.3)
    for sequence, most in ((1, 0.2), (3, 1.0), (4, 0.2)):  # 2 was lost on the way
        token = using_ticket(await locks.announce("user-9", time.time(), sequence))
        started = time.perf_counter()
        try:
            async with locks.hold("user-9"):
                waited = time.perf_counter() - started
        finally:
            reset_ticket(token)
        assert waited < most, (sequence, waited)
        if sequence == 3:
            assert waited >= 0.25  # it did wait for 2, as long as order_wait_seconds


async def test_a_client_that_starts_counting_again_is_not_held_up(async_redis: Any, prefix: str) -> None:
    """A page reloaded counts from 1 again; a retried request repeats its number: neither waits."""
    locks = RedisLocks(async_redis, prefix=prefix, order_wait_seconds=1.0)
    for sequence in (1, 2, 3, 3, 1, 2):
        token = using_ticket(await locks.announce("user-10", time.time(), sequence))
        started = time.perf_counter()
        try:
            async with locks.hold("user-10"):
                assert time.perf_counter() - started < 0.3, sequence
        finally:
            reset_ticket(token)


async def test_a_withdrawn_or_vanished_predecessor_does_not_hold_up_the_next_turn(
    async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    locks = RedisLocks(async_redis, prefix=prefix, wait_seconds=0.5)
    refused = await locks.announce("user-7", time.time())  # e.g. rate-limited: gives its place back
    vanished = await locks.announce("user-7", time.time())  # its worker died before its turn ran
    assert vanished.number > refused.number
    await locks.withdraw(refused)
    # the vanished one's deadline is wait + 1 s away: pull it in, as time passing would
    sync_redis.zadd(f"{prefix}due:user-7", {vanished.member: 0})
    started = time.perf_counter()
    async with locks.hold("user-7") as held:
        assert held.fence
    assert time.perf_counter() - started < 0.5


async def test_a_dead_workers_lock_expires_and_the_next_fence_is_newer(
    async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    locks = RedisLocks(async_redis, prefix=prefix, lease_seconds=0.3)
    async with locks.hold("user-3") as first:
        pass
    # a worker that took the lock and died: the key stays until its lease ends, nobody renews it
    sync_redis.set(f"{prefix}lock:user-3", "1", px=300)
    started = time.perf_counter()
    async with locks.hold("user-3") as second:
        waited = time.perf_counter() - started
    assert 0.2 < waited < 2.0
    assert (second.fence or 0) > (first.fence or 0)


async def test_fences_keep_growing_after_redis_forgets_its_counters(
    async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    locks = RedisLocks(async_redis, prefix=prefix)
    async with locks.hold("user-4") as before:
        pass
    sync_redis.delete(f"{prefix}fence:user-4")  # as after a restart without persistence
    async with locks.hold("user-4") as after:
        pass
    assert (after.fence or 0) > (before.fence or 0)


async def test_a_long_turn_keeps_its_lease(async_redis: Any, sync_redis: Any, prefix: str) -> None:
    locks = RedisLocks(async_redis, prefix=prefix, lease_seconds=0.3)
    async with locks.hold("user-5") as held:
        await asyncio.sleep(0.8)  # past two leases: renewed meanwhile
        assert sync_redis.get(f"{prefix}lock:user-5") == str(held.fence).encode()
    assert sync_redis.get(f"{prefix}lock:user-5") is None


async def test_redis_down_refuses_the_turn() -> None:
    client = redis.asyncio.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    locks = RedisLocks(client, prefix="down:")
    with pytest.raises(CoordinationUnavailable):
        async with locks.hold("user-6"):
            pytest.fail("a turn ran without its lock")
    await client.aclose()


async def test_local_locks_are_dropped_when_free() -> None:
    locks = LocalLocks()
    async with locks.hold("a"), locks.hold("b"):
        assert len(locks) == 2
    assert len(locks) == 0


async def test_a_request_received_while_its_conversation_is_free_holds_its_lock_from_then(
    async_redis: Any, other_async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    """Numbered and locked in one step as it is received; the next request, received meanwhile on the
    other worker, is served after it; a request refused before its turn ran gives the lock back."""
    workers = [RedisLocks(client, prefix=prefix) for client in (async_redis, other_async_redis)]
    first = await workers[0].announce("user-11", time.time())
    assert first.token and sync_redis.get(f"{prefix}lock:user-11") == str(first.token).encode()
    second = await workers[1].announce("user-11", time.time())
    assert not second.token and second.number > first.number
    served: list[str] = []

    async def turn(worker: RedisLocks, ticket: Any, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        token = using_ticket(ticket)
        try:
            async with worker.hold("user-11") as held:
                served.append(name)
                assert held.fence == (ticket.token or held.fence)
        finally:
            reset_ticket(token)

    await asyncio.gather(turn(workers[1], second, "second", 0.0), turn(workers[0], first, "first", 0.02))
    assert served == ["first", "second"]
    refused = await workers[0].announce("user-11", time.time())
    assert refused.token
    await workers[0].withdraw(refused)  # e.g. rate-limited
    assert sync_redis.get(f"{prefix}lock:user-11") is None
    async with workers[1].hold("user-11") as after:
        assert (after.fence or 0) > refused.token


async def test_a_request_whose_reply_was_lost_gets_its_own_lock_again(
    async_redis: Any, sync_redis: Any, prefix: str
) -> None:
    """The step that numbers and locks a request ran, but its reply never came (a timed-out call): the
    same request asking again gets the lock it holds, not a wait for its own lease to end."""
    locks = RedisLocks(async_redis, prefix=prefix)
    ticket = await locks.announce("user-12", time.time())
    again = Ticket("user-12", ticket.member, ticket.arrived_at)
    keys = locks._keys("user-12")
    reply = await locks._arrive(
        keys=[*keys[2:5], keys[0], keys[1], keys[5], keys[6]], args=locks._arrive_args(again)
    )
    assert int(reply[1]) == ticket.token
    other = await locks.announce("user-12", time.time())
    assert not other.token  # anyone else still waits for it
