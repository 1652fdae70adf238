"""Which dossier a conversation has verified, kept on the server and bound to the conversation.

The lookup action records a verification after the applicant gave the right four digits; the alert
action ("báo cho tôi khi có kết quả") subscribes only to the dossier recorded here for the same
sender *and* channel, never to what a tracker's slots claim: over the action-server protocol the
caller sends the slots, and a REST client can pick any sender id, including a Telegram chat's.
A verification expires after ``ttl_seconds`` and is forgotten when a later verification fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, bindparam, delete, select
from sqlalchemy.orm import Session

from knowledge.dossier.tables import VerificationRow
from knowledge.migrations import upgrade_schema

__all__ = ["SqlVerificationStore", "Verification", "VerificationStore"]


@dataclass(frozen=True, slots=True)
class Verification:
    code: str
    status: str
    verified_at: float


class VerificationStore(Protocol):
    """The port the dossier actions use; ``SqlVerificationStore`` is the implementation."""

    def record(self, *, sender_id: str, channel: str, code: str, status: str) -> Verification: ...

    def current(self, *, sender_id: str, channel: str) -> Verification | None: ...

    def forget(self, *, sender_id: str, channel: str) -> None: ...


_VERIFICATIONS = VerificationRow.__table__
# Asked by the dossier follow-up policy on every dossier-like question: a Core statement built once.
_CURRENT = select(_VERIFICATIONS.c.code, _VERIFICATIONS.c.status, _VERIFICATIONS.c.verified_at).where(
    _VERIFICATIONS.c.sender_id == bindparam("b_sender"), _VERIFICATIONS.c.channel == bindparam("b_channel")
)


class SqlVerificationStore:
    def __init__(self, engine: Engine, *, ttl_seconds: float = 1800.0, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._clock = clock
        upgrade_schema(engine)

    def record(self, *, sender_id: str, channel: str, code: str, status: str) -> Verification:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = session.get(VerificationRow, (sender_id, channel))
            if row is None:
                row = VerificationRow(sender_id=sender_id, channel=channel)
                session.add(row)
            row.code, row.status, row.verified_at = code, status, now
        return Verification(code, status, now)

    def current(self, *, sender_id: str, channel: str) -> Verification | None:
        """The conversation's verification, or ``None`` when it has none or it has expired."""
        with self._engine.connect() as connection:
            row = connection.execute(_CURRENT, {"b_sender": sender_id, "b_channel": channel}).first()
        if row is None or self._clock() - row.verified_at > self._ttl:
            return None
        return Verification(row.code, row.status, row.verified_at)

    def forget(self, *, sender_id: str, channel: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(
                delete(VerificationRow).where(VerificationRow.sender_id == sender_id, VerificationRow.channel == channel)
            )
