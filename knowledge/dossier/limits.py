"""Limits that keep dossier lookups from being used to guess codes or verification digits.

At most ``failed_per_code`` failed verifications of one code in a window (whoever tries: an
attacker can change conversations, not the code they attack) and ``lookups_per_conversation``
lookups of any code per conversation. Unknown codes count as failed verifications, so the limit
itself reveals nothing about which codes exist. Counts are kept in the database so that every
process behind a load balancer sees the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from knowledge.dossier.tables import LookupAttemptRow
from knowledge.migrations import upgrade_schema

__all__ = ["LookupLimiter", "LookupLimits", "Outcome", "SqlLookupLimiter"]

Outcome = Literal["verified", "failed", "unavailable"]
_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class LookupLimits:
    failed_per_code: int = 3
    lookups_per_conversation: int = 10
    window_seconds: float = 3600.0


class LookupLimiter(Protocol):
    """The port the dialogue uses; ``SqlLookupLimiter`` is the implementation."""

    def conversation_locked(self, sender_id: str) -> bool: ...

    def code_locked(self, code: str) -> bool: ...

    def record(self, *, sender_id: str, code: str, outcome: Outcome) -> None: ...


class SqlLookupLimiter:
    def __init__(self, engine: Engine, limits: LookupLimits, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self.limits = limits
        self._clock = clock
        upgrade_schema(engine)

    def conversation_locked(self, sender_id: str) -> bool:
        """Whether this conversation has used up its lookups for the window."""
        since = self._clock() - self.limits.window_seconds
        with Session(self._engine) as session:
            count = session.scalar(
                select(func.count()).where(LookupAttemptRow.sender_id == sender_id, LookupAttemptRow.at >= since)
            )
        return int(count or 0) >= self.limits.lookups_per_conversation

    def code_locked(self, code: str) -> bool:
        """Whether this code has had too many failed verifications in the window, from anyone."""
        since = self._clock() - self.limits.window_seconds
        with Session(self._engine) as session:
            count = session.scalar(
                select(func.count()).where(
                    LookupAttemptRow.code == code, LookupAttemptRow.outcome == "failed", LookupAttemptRow.at >= since
                )
            )
        return int(count or 0) >= self.limits.failed_per_code

    def record(self, *, sender_id: str, code: str, outcome: Outcome) -> None:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            session.add(LookupAttemptRow(sender_id=sender_id, code=code, outcome=outcome, at=now))
            session.execute(delete(LookupAttemptRow).where(LookupAttemptRow.at < now - _KEEP_SECONDS))
