"""When and in which order the requests of one conversation were received: the order of its turns.

Two messages of one user sent 5 ms apart may reach two workers, and the later one may get to its
conversation's lock first (the earlier one's worker was busy for a moment). So the order is fixed
when a request is received, not when its turn asks for the lock: an ASGI middleware
(``ArrivalStamp``, just inside the body limit) stamps every request before anything else runs, and
with Redis a request on a chat path whose body names its sender takes the conversation's next
number and its place in the queue right there (``Announcer.announce``: one atomic step, done
without yielding the event loop when it can), before it waits for anything else on its worker. The
lock then serves the numbers in order (``bot.coordination.locks.RedisLocks``); a request that ends
without running a turn (refused, rate-limited) gives its place back. The agent hands the stamp
(``arrived_at()``) to the lock, which keeps it on the request's ticket.

Reception order is the best a server can know by itself: a message sent 1 ms before another, to a
worker that is busy for 2 ms, is received second. A client that sends before the previous reply
came can state its order: ``metadata.sequence`` (1, 2, 3 … per conversation). Such a turn is
numbered by it and, when the turn sent before it has not been served yet, waits for it a moment
(``order_wait_seconds``), so the order sent is the order served.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import time
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.coordination.tickets import Ticket, reset_ticket, using_ticket

__all__ = ["Announcer", "ArrivalStamp", "arrived_at"]

# Chat paths whose JSON body names the conversation as "sender" (the REST channel).
SENDER_PATHS = frozenset({"/webhooks/rest/webhook"})


class Announcer(Protocol):
    async def announce(self, sender_id: str, arrived_at: float, sequence: int = 0) -> Ticket: ...

    async def withdraw(self, ticket: Ticket) -> None: ...


_ARRIVAL: contextvars.ContextVar[float | None] = contextvars.ContextVar("dvcbot_arrival", default=None)


def arrived_at() -> float | None:
    """Unix seconds at which the current request arrived; ``None`` outside a request (the shell, tests)."""
    return _ARRIVAL.get()


class ArrivalStamp:
    def __init__(self, app: ASGIApp, announcer: Announcer | None = None) -> None:
        self.app = app
        self.announcer = announcer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = time.time()
        token = _ARRIVAL.set(now)
        try:
            if (
                self.announcer is not None
                and scope.get("method") == "POST"
                and scope.get("path") in SENDER_PATHS
            ):
                await self._announced(scope, receive, send, now)
            else:
                await self.app(scope, receive, send)
        finally:
            _ARRIVAL.reset(token)

    async def _announced(self, scope: Scope, receive: Receive, send: Send, now: float) -> None:
        assert self.announcer is not None
        messages: list[Message] = []
        while True:  # the body is small: BodyLimit, outside this, refuses a large one
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        sender, sequence = _sender_and_sequence(
            b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        )
        ticket = None
        if sender is not None:
            with contextlib.suppress(ConnectionError, OSError):  # Redis down: the turn's lock says so
                ticket = await self.announcer.announce(sender, now, sequence)

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        ticket_token = using_ticket(ticket)
        try:
            await self.app(scope, replay, send)
        finally:
            reset_ticket(ticket_token)
            if ticket is not None:
                await self.announcer.withdraw(ticket)


MAX_SEQUENCE = 2**53  # what a JSON number holds exactly


def _sender_and_sequence(body: bytes) -> tuple[str | None, int]:
    """The body's sender (``None`` if it has no usable one) and its ``metadata.sequence`` (0 if none)."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, 0
    if not isinstance(payload, dict):
        return None, 0
    sender = payload.get("sender")
    metadata = payload.get("metadata")
    sequence = metadata.get("sequence") if isinstance(metadata, dict) else None
    if not (isinstance(sequence, int) and not isinstance(sequence, bool) and 0 < sequence <= MAX_SEQUENCE):
        sequence = 0  # absent or unusable: the order received, as before
    return (sender if isinstance(sender, str) and 0 < len(sender) <= 255 else None), sequence
