"""A request's place in its conversation's queue, taken at the HTTP edge and used by its turn."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

__all__ = ["Ticket", "current_ticket", "reset_ticket", "using_ticket"]


@dataclass(slots=True)
class Ticket:
    sender_id: str
    member: str  # the queue member (a random id)
    arrived_at: float  # unix seconds
    number: int = 0  # its place in the conversation, from the conversation's counter in Redis (0: none yet)
    used: bool = False  # taken by a turn; otherwise withdrawn when the request ends
    # The client's own count of its messages in the conversation (REST ``metadata.sequence``), 0 if
    # it states none: the order it sent them in, which no worker can see when two arrive ms apart.
    sequence: int = 0
    # The conversation's lock, when it was free as the request was received and taken then in the
    # same step as the number (0: not taken yet), and when (``time.perf_counter()``) it was taken.
    token: int = 0
    taken_at: float = 0.0


_TICKET: contextvars.ContextVar[Ticket | None] = contextvars.ContextVar("dvcbot_ticket", default=None)


def current_ticket() -> Ticket | None:
    return _TICKET.get()


def using_ticket(ticket: Ticket | None) -> contextvars.Token[Ticket | None]:
    return _TICKET.set(ticket)


def reset_ticket(token: contextvars.Token[Ticket | None]) -> None:
    _TICKET.reset(token)
