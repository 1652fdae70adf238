"""Per-conversation locks: one turn of a conversation at a time, in one process or across many.

``async with locks.hold(sender_id) as held:`` runs the turn; ``held.fence`` is the token the tracker
store checks at the write (``SqlTrackerStore.save(..., fence=held.fence)``).

- ``LocalLocks``: asyncio locks, for one process (the embedded default). No fence: nothing else writes.
- ``RedisLocks``: a lock key per conversation with a lease, renewed while the turn runs, so a worker killed mid-turn frees the conversation when the lease ends. Each acquisition gets a
  fencing token that only grows (a counter per conversation, floored at the Redis clock in
  microseconds, so it keeps growing after Redis restarts empty); the store refuses a write with a
  token older than the last writer's. A worker that lost its lease (paused, partitioned) and wakes up
  to write is refused instead of overwriting the turn of the worker that took over. While Redis is
  unreachable, ``hold`` raises ``CoordinationUnavailable``: the turn is refused, never run unlocked.

  Turns are served in the order they were received, never in the order their workers got to ask:
  each request takes a number from the conversation's counter in Redis the moment it is received
  (``announce``, called at the HTTP edge by ``bot.coordination.arrival``, before the request waits
  for anything else on its worker; or at ``hold`` for a turn that did not come over HTTP). The
  number and the place in the conversation's queue are taken in one atomic step, so a turn's
  predecessor is always in the queue ahead of it: only the lowest number may take the lock, the
  others wait for it. A predecessor that vanished (its worker died) leaves the queue at its
  deadline; one that ends without running a turn (refused, rate-limited) gives its place back; a
  turn run again after ``StaleTracker`` keeps its number.

  When the conversation is free and the request first in line as it is received — the usual case:
  a citizen waits for each reply — the same step takes the lock too (``_ARRIVE``), so the turn
  asks Redis nothing more until it gives the lock back; a request that ends without running its
  turn gives it back at once. The lease is renewed only by a turn still running at a third of it. A step whose reply was lost (a timed-out call tried again) finds
  the lock held by its own request and gets its token back, instead of waiting out its own lease.

  A request whose client states its order (``Ticket.sequence``) is numbered by it, and waits, up to
  ``order_wait_seconds`` after it was received, while the conversation's last served sequence is
  not the one just before it: the earlier message is on its way through a busier worker. A message
  that never comes costs its successor that wait, once.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import random
import string
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError

from bot.coordination.errors import CoordinationUnavailable
from bot.coordination.tickets import Ticket, current_ticket

__all__ = ["ConversationLocks", "Held", "LocalLocks", "RedisLocks"]

# Called with the seconds a turn waited for its conversation's lock (0.0 when it was free).
WaitObserver = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Held:
    fence: int | None  # None: an in-process lock, nothing to fence against
    waited_seconds: float


class ConversationLocks(Protocol):
    def hold(
        self, sender_id: str, *, arrived_at: float | None = None
    ) -> contextlib.AbstractAsyncContextManager[Held]: ...


class LocalLocks:
    """One asyncio lock per conversation with a turn running or waiting; dropped when free."""

    def __init__(self, observe_wait: WaitObserver | None = None) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._observe = observe_wait

    @contextlib.asynccontextmanager
    async def hold(self, sender_id: str, *, arrived_at: float | None = None) -> AsyncIterator[Held]:
        # asyncio.Lock serves waiters first come, first served: arrival order within the process.
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


# The lock is taken by the lowest number of the conversation's queue, when the lock is free and, for
# a turn its client numbered, once the turn numbered just before it was served (or its wait is over).
# Written once, used by two scripts: ``_ACQUIRE`` (a turn asking) and ``_ARRIVE`` (a request received).
_TAKE = string.Template("""
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local gone = redis.call('ZRANGEBYSCORE', $due, '-inf', now_us)
for _, member in ipairs(gone) do
  redis.call('ZREM', $queue, member)
  redis.call('ZREM', $due, member)
end
local held = redis.call('GET', $lock)
if held then
  -- Taken already by this very request, whose reply was lost (a timed-out call tried again): its token.
  if redis.call('GET', $holder) ~= $member then return $busy end
  redis.call('ZREM', $queue, $member)
  redis.call('ZREM', $due, $member)
  local token = tonumber(held)
  return $taken
end
local head = redis.call('ZRANGE', $queue, 0, 0)
if head[1] ~= $member then return $busy end
local sequence = tonumber($sequence)
if sequence > 1 and now_us < tonumber($order_deadline) then
  local served = tonumber(redis.call('GET', $served) or '0')
  if served ~= sequence - 1 and served < sequence then return $busy end
end
if sequence > 0 then redis.call('SET', $served, $sequence, 'PX', $counter_ttl) end
redis.call('ZREM', $queue, $member)
redis.call('ZREM', $due, $member)
local token = redis.call('INCR', $fence)
if token < now_us then
  token = now_us
  redis.call('SET', $fence, string.format('%.0f', token))
end
redis.call('PEXPIRE', $fence, $counter_ttl)
redis.call('SET', $lock, string.format('%.0f', token), 'PX', $lease)
redis.call('SET', $holder, $member, 'PX', $lease)
return $taken
""")
# KEYS: lock, fence counter, queue (member -> number), deadlines (member -> µs), last served sequence,
# the lock holder's member.
# ARGV: member, lease ms, counter ttl ms, the client's sequence (0: none), µs until which it waits
# for the sequence before it.
# Returns the token; 0 while another turn holds the lock, a lower number waits, or the turn sent
# before this one (by the client's sequence) has not been served and may still come.
_ACQUIRE = _TAKE.substitute(
    lock="KEYS[1]", fence="KEYS[2]", queue="KEYS[3]", due="KEYS[4]", served="KEYS[5]", holder="KEYS[6]",
    member="ARGV[1]", lease="ARGV[2]", counter_ttl="ARGV[3]", sequence="ARGV[4]", order_deadline="ARGV[5]",
    busy="0", taken="token",
)
# KEYS: queue, deadlines, number counter.
# ARGV: member, number (0: take the next), deadline µs, ttl ms, the client's sequence (0: none).
# Takes the member's number: the one it already had, else its client's sequence, else the next of
# the conversation's counter; and its place in the queue.
_NUMBER = """
local number = tonumber(ARGV[2])
local sequence = tonumber(ARGV[5])
if number == 0 and sequence > 0 then
  number = sequence
  if tonumber(redis.call('GET', KEYS[3]) or '0') < sequence then redis.call('SET', KEYS[3], ARGV[5]) end
elseif number == 0 then
  number = redis.call('INCR', KEYS[3])
end
redis.call('ZADD', KEYS[1], number, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
"""
# Returns the member's number.
_QUEUE = _NUMBER + "return number\n"
# A request received: its number and place (``_QUEUE``), then, in the same step, the lock if the
# conversation is free and the request first in line (``_ACQUIRE``) — the usual case, as a citizen
# waits for each reply: no second round trip to ask for it.
# KEYS: queue, deadlines, number counter, lock, fence counter, last served sequence, lock holder.
# ARGV: as _QUEUE's, then lease ms, counter ttl ms, µs until which it waits for the sequence before it.
# Returns {number, token}, token 0 when the lock could not be taken now.
_ARRIVE = _NUMBER + _TAKE.substitute(
    lock="KEYS[4]", fence="KEYS[5]", queue="KEYS[1]", due="KEYS[2]", served="KEYS[6]", holder="KEYS[7]",
    member="ARGV[1]", lease="ARGV[6]", counter_ttl="ARGV[7]", sequence="ARGV[5]", order_deadline="ARGV[8]",
    busy="{number, 0}", taken="{number, token}",
)
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
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
        order_wait_seconds: float = 0.5,
        poll_seconds: float = 0.002,
        max_poll_seconds: float = 0.02,
        observe_wait: WaitObserver | None = None,
        numbering_client: Any | None = None,  # redis.Redis (sync), used only from the event loop
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._lease_ms = max(1, int(lease_seconds * 1000))
        self._wait = wait_seconds
        self._order_wait = order_wait_seconds
        self._poll = poll_seconds
        self._max_poll = max_poll_seconds
        # Turns of one conversation waiting on this worker, lowest number first: only the lowest asks
        # Redis (one call per 2–20 ms), the others wait for it to go, so waiting costs Redis little.
        self._waiting: dict[str, tuple[asyncio.Condition, list[tuple[int, str]]]] = {}
        self._observe = observe_wait
        self._acquire = client.register_script(_ACQUIRE)
        self._queue = client.register_script(_QUEUE)
        self._leave = client.register_script(_LEAVE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        # Numbering a received request without giving the event loop up: an await there lets every
        # other ready task run first, and on a busy worker that took up to 250 ms, enough for a
        # message sent later to another worker to be numbered first. One loopback round trip
        # (~0.1 ms, capped by the client's short timeout) is the cheaper wait.
        self._numbering_client = numbering_client
        self._arrive_now = numbering_client.register_script(_ARRIVE) if numbering_client is not None else None
        self._arrive = client.register_script(_ARRIVE)

    def close(self) -> None:
        if self._numbering_client is not None:
            self._numbering_client.close()

    def _keys(self, sender_id: str) -> list[str]:
        p = self._prefix
        return [
            f"{p}lock:{sender_id}",
            f"{p}fence:{sender_id}",
            f"{p}queue:{sender_id}",
            f"{p}due:{sender_id}",
            f"{p}number:{sender_id}",
            f"{p}served:{sender_id}",
            f"{p}holder:{sender_id}",
        ]

    @contextlib.asynccontextmanager
    async def hold(self, sender_id: str, *, arrived_at: float | None = None) -> AsyncIterator[Held]:
        keys = self._keys(sender_id)
        lock_key = keys[0]
        started = time.perf_counter()
        token, taken_at = await self._take(
            sender_id, keys, arrived_at if arrived_at is not None else time.time(), started
        )
        waited = time.perf_counter() - started
        if self._observe:
            self._observe(waited)
        # The lease is renewed from a third of its length after it was taken; most turns end before
        # that, so the renewing task is only started then (a timer costs less than a task per turn).
        done = asyncio.Event()
        renewal: asyncio.Task[None] | None = None

        def renew() -> None:
            nonlocal renewal
            renewal = asyncio.create_task(self._keep(lock_key, token, done))

        third = self._lease_ms / 3000
        timer = asyncio.get_running_loop().call_later(max(0.0, third - (time.perf_counter() - taken_at)), renew)
        try:
            yield Held(token, waited)
        finally:
            timer.cancel()
            if renewal is not None:
                # Told to stop, not cancelled: a Redis command cut by a cancellation can leave the
                # connection (and whoever awaits it) hanging; and never wait on it for long.
                done.set()
                await asyncio.wait({renewal}, timeout=1.0)
            await self._give_back(lock_key, token)

    async def _give_back(self, lock_key: str, token: int) -> None:
        """Release the lock if this token still holds it; unreleased, it expires with its lease.

        Awaited, not sent without the event loop's turn as numbering is: a blocking call saves ~50 µs
        of CPU but holds the whole worker for the round trip, which on a loaded machine is
        milliseconds (2 workers, 500 conversations: p95 20 s with it blocking)."""
        with contextlib.suppress(RedisError, OSError):
            await self._release(keys=[lock_key], args=[token])

    async def announce(self, sender_id: str, arrived_at: float, sequence: int = 0) -> Ticket:
        """Take the conversation's next number (or the client's sequence) and a place in its queue now,
        as the request is received; and the conversation's lock in the same step when it is free and
        this request first in line."""
        ticket = Ticket(sender_id, uuid.uuid4().hex, arrived_at, sequence=sequence)
        keys = self._keys(sender_id)
        arrive_keys = [*keys[2:5], keys[0], keys[1], keys[5], keys[6]]
        try:
            if self._arrive_now is not None:
                try:
                    self._arrived(ticket, self._arrive_now(keys=arrive_keys, args=self._arrive_args(ticket)))
                    return ticket
                except (RedisError, OSError):
                    pass  # slow or reconnecting: the usual round trip decides
            self._arrived(ticket, await self._arrive(keys=arrive_keys, args=self._arrive_args(ticket)))
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for the conversation queue: {error}") from error
        return ticket

    def _arrive_args(self, ticket: Ticket) -> list[Any]:
        order_deadline_us = int((ticket.arrived_at + self._order_wait) * 1_000_000)
        return [*self._queue_args(ticket), self._lease_ms, _COUNTER_TTL_MS, order_deadline_us]

    @staticmethod
    def _arrived(ticket: Ticket, reply: list[Any]) -> None:
        ticket.number, ticket.token = int(reply[0]), int(reply[1])
        if ticket.token:
            ticket.taken_at = time.perf_counter()

    async def withdraw(self, ticket: Ticket) -> None:
        """Leave the queue, or give the lock back: the request ended before its turn ran (refused,
        rate-limited)."""
        if ticket.used:
            return
        if ticket.token:
            await self._give_back(self._keys(ticket.sender_id)[0], ticket.token)
            return
        with contextlib.suppress(RedisError, OSError):
            await self._leave(keys=self._keys(ticket.sender_id)[2:4], args=[ticket.member])

    async def _enqueue(self, queue_keys: list[str], ticket: Ticket) -> None:
        """Into the queue with the ticket's number, or with the conversation's next one if it has none."""
        ticket.number = int(await self._queue(keys=queue_keys, args=self._queue_args(ticket)))

    def _queue_args(self, ticket: Ticket) -> list[Any]:
        deadline_us = int((time.time() + self._wait + 1.0) * 1_000_000)
        queue_ttl_ms = int((self._wait + 5.0) * 1000) + self._lease_ms
        return [ticket.member, ticket.number, deadline_us, queue_ttl_ms, ticket.sequence]

    async def _take(
        self, sender_id: str, keys: list[str], arrived_at: float, started: float
    ) -> tuple[int, float]:
        """The lock's token and when it was taken (``time.perf_counter()``)."""
        ticket = current_ticket()
        if ticket is None or ticket.sender_id != sender_id:
            ticket = Ticket(sender_id, uuid.uuid4().hex, arrived_at)  # not received over HTTP: numbered now
        if ticket.token and not ticket.used:
            ticket.used = True
            if time.perf_counter() - ticket.taken_at < self._lease_ms / 2000:
                return ticket.token, ticket.taken_at  # taken as the request was received
            # Received long ago (a worker stalled past half a lease): the lock may have expired and
            # been taken by a later turn. Give it back and queue again with the same number.
            await self._give_back(keys[0], ticket.token)
        queued = ticket.number > 0 and not ticket.used
        if ticket.used:
            # The same request again (its turn met StaleTracker): back into the queue with its own
            # number, ahead of the turns received after it.
            ticket.member = uuid.uuid4().hex
        ticket.used = True
        queue_keys = keys[2:5]
        order_deadline_us = int((ticket.arrived_at + self._order_wait) * 1_000_000)
        if not queued:
            try:
                await self._enqueue(queue_keys, ticket)
            except (RedisError, OSError) as error:
                raise CoordinationUnavailable(
                    f"Redis unreachable for the conversation queue: {error}"
                ) from error
        condition, local = self._waiting.setdefault(sender_id, (asyncio.Condition(), []))
        entry = (ticket.number, ticket.member)
        bisect.insort(local, entry)
        try:
            poll = self._poll
            while True:
                if local[0] != entry:  # a lower number of this conversation waits here: let it ask
                    async with condition:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(condition.wait(), timeout=self._max_poll)
                else:
                    token = int(
                        await self._acquire(
                            keys=[*keys[:4], keys[5], keys[6]],
                            args=[ticket.member, self._lease_ms, _COUNTER_TTL_MS, ticket.sequence, order_deadline_us],
                        )
                    )
                    if token > 0:
                        return token, time.perf_counter()
                    await asyncio.sleep(poll * (0.5 + random.random()))
                    poll = min(self._max_poll, poll * 1.5)
                if time.perf_counter() - started > self._wait:
                    with contextlib.suppress(RedisError, OSError):
                        await self._leave(keys=queue_keys[:2], args=[ticket.member])
                    raise CoordinationUnavailable("the conversation is busy with another turn")
        except CoordinationUnavailable:
            raise
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for the conversation lock: {error}") from error
        except asyncio.CancelledError:
            with contextlib.suppress(RedisError, OSError):
                await self._leave(keys=queue_keys[:2], args=[ticket.member])
            raise
        finally:
            local.remove(entry)
            if not local:
                self._waiting.pop(sender_id, None)
            async with condition:
                condition.notify_all()

    async def _keep(self, lock_key: str, token: int, done: asyncio.Event) -> None:
        """Renew the lease now and at every third of its length until the turn ends (a dead worker
        stops renewing)."""
        while not done.is_set():
            try:
                if not await self._renew(keys=[lock_key], args=[token, self._lease_ms]):
                    return  # lost it; the store's fence refuses this worker's write if another took over
            except (RedisError, OSError):
                pass
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=self._lease_ms / 3000)
                return
