"""The one error of coordination: the shared state cannot be reached or a conversation stays busy."""

from __future__ import annotations

__all__ = ["CoordinationUnavailable"]


class CoordinationUnavailable(ConnectionError):
    """Redis is down, or a conversation's lock could not be had in time: the turn is refused, not run.

    A ``ConnectionError``, so the HTTP layer answers it as any unreachable dependency: a Vietnamese 503
    with ``Retry-After`` (``bot.api.errors``). Refusing is what keeps two workers from interleaving one
    conversation's turns.
    """
