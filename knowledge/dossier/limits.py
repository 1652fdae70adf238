"""Limits that keep dossier lookups from being used to guess codes or verification digits — without
letting a stranger lock the owner out.

Failures are counted by what an attacker cannot rotate cheaply: the *client* (its network address
for REST and the widget, whose sender ids are the client's choice; the user id for Telegram and
Zalo, which the platform authenticates) together with the code. After ``failed_per_client``
failures of one client on one code, that pair is locked for ``lockout_seconds``, and each further
failure doubles it (5 min, 10, 20 … up to a day): progressive, so guessing four digits from one
address takes months, while the owner trying from another address or chat is not affected. A
success clears the pair's count.

Against guessing from many addresses, a code that failed ``failed_per_code`` times in the window,
from anyone, is locked too — except for a channel identity (a Telegram or Zalo user) that has
verified this code before: the owner still gets through. Lookups are also limited per
conversation and per client. Unknown codes count as failed verifications, so the limits reveal
nothing about which codes exist. Counts are kept in the database so that every process behind a
load balancer sees the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy import Engine, delete, func, or_, select
from sqlalchemy.orm import Session

from knowledge.dossier.tables import LookupAttemptRow
from knowledge.migrations import upgrade_schema

__all__ = ["CHANNEL_IDENTITY_PREFIX", "LookupLimiter", "LookupLimits", "Outcome", "SqlLookupLimiter"]

Outcome = Literal["verified", "failed", "unavailable"]
CHANNEL_IDENTITY_PREFIX = "user:"  # clients that are a platform-authenticated user, not an address
_KEEP_FAILED_SECONDS = 24 * 3600
_KEEP_VERIFIED_SECONDS = 90 * 24 * 3600  # how long a channel user stays the known owner of a code


@dataclass(frozen=True, slots=True)
class LookupLimits:
    failed_per_client: int = 3
    lockout_seconds: float = 300.0
    max_lockout_seconds: float = 24 * 3600.0
    failed_per_code: int = 30
    lookups_per_conversation: int = 10
    lookups_per_client: int = 30
    window_seconds: float = 3600.0


class LookupLimiter(Protocol):
    """The port the dialogue uses; ``SqlLookupLimiter`` is the implementation."""

    def conversation_locked(self, *, sender_id: str, client: str) -> bool: ...

    def code_locked(self, *, code: str, client: str) -> bool: ...

    def record(self, *, sender_id: str, client: str, code: str, outcome: Outcome) -> None: ...


class SqlLookupLimiter:
    def __init__(self, engine: Engine, limits: LookupLimits, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self.limits = limits
        self._clock = clock
        upgrade_schema(engine)

    def conversation_locked(self, *, sender_id: str, client: str) -> bool:
        """Whether this conversation, or this client over all its conversations, used up its lookups."""
        since = self._clock() - self.limits.window_seconds
        with Session(self._engine) as session:
            by_sender = session.scalar(
                select(func.count()).where(LookupAttemptRow.sender_id == sender_id, LookupAttemptRow.at >= since)
            )
            by_client = session.scalar(
                select(func.count()).where(LookupAttemptRow.client == client, LookupAttemptRow.at >= since)
            )
        return (
            int(by_sender or 0) >= self.limits.lookups_per_conversation
            or int(by_client or 0) >= self.limits.lookups_per_client
        )

    def locked_until(self, *, code: str, client: str) -> float:
        """When this client's progressive lock-out on this code ends (0 when it has none)."""
        limits = self.limits
        with Session(self._engine) as session:
            last_success = session.scalar(
                select(func.max(LookupAttemptRow.at)).where(
                    LookupAttemptRow.code == code, LookupAttemptRow.client == client,
                    LookupAttemptRow.outcome == "verified",
                )
            )
            since = max(float(last_success or 0.0), self._clock() - _KEEP_FAILED_SECONDS)
            failures, last_failure = session.execute(
                select(func.count(), func.max(LookupAttemptRow.at)).where(
                    LookupAttemptRow.code == code, LookupAttemptRow.client == client,
                    LookupAttemptRow.outcome == "failed", LookupAttemptRow.at > since,
                )
            ).one()
        failures = int(failures or 0)
        if failures < limits.failed_per_client or last_failure is None:
            return 0.0
        doubled = limits.lockout_seconds * float(2 ** min(failures - limits.failed_per_client, 20))
        return float(last_failure) + min(doubled, limits.max_lockout_seconds)

    def code_locked(self, *, code: str, client: str) -> bool:
        """Whether ``client`` may not try ``code`` now: its own lock-out, or the code's from everyone."""
        now = self._clock()
        if self.locked_until(code=code, client=client) > now:
            return True
        since = now - self.limits.window_seconds
        with Session(self._engine) as session:
            failed = session.scalar(
                select(func.count()).where(
                    LookupAttemptRow.code == code, LookupAttemptRow.outcome == "failed", LookupAttemptRow.at >= since
                )
            )
            if int(failed or 0) < self.limits.failed_per_code:
                return False
            if not client.startswith(CHANNEL_IDENTITY_PREFIX):
                return True
            owner = session.scalar(
                select(func.count()).where(
                    LookupAttemptRow.code == code, LookupAttemptRow.client == client,
                    LookupAttemptRow.outcome == "verified",
                )
            )
        return not owner

    def record(self, *, sender_id: str, client: str, code: str, outcome: Outcome) -> None:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            session.add(LookupAttemptRow(sender_id=sender_id, client=client, code=code, outcome=outcome, at=now))
            session.execute(
                delete(LookupAttemptRow).where(
                    or_(
                        LookupAttemptRow.at < now - _KEEP_VERIFIED_SECONDS,
                        (LookupAttemptRow.outcome != "verified") & (LookupAttemptRow.at < now - _KEEP_FAILED_SECONDS),
                    )
                )
            )
