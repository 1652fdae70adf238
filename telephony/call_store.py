"""Calls of the voice webhook between two requests: the ``CallState`` and the last reply, by call id.

Kept in the conversation database (SQLite by default, PostgreSQL in production; schema revision
0008). A vendor that retries an event (same ``event_id``) gets the stored reply again instead of
moving the call on twice. A call's row is deleted when it ends, and rows of calls silent for longer
than the time to live are swept, so a caller's number is kept only while the call lasts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Engine, Float, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from knowledge.migrations import upgrade_schema
from telephony.call_flow import CallState

__all__ = ["MAX_CALL_ID_CHARS", "SqlCallStore", "StoredCall", "VoiceCallRow"]

MAX_CALL_ID_CHARS = 128
_SWEEP_EVERY = 200


class _Base(DeclarativeBase):
    pass


class VoiceCallRow(_Base):
    __tablename__ = "voice_calls"

    call_id: Mapped[str] = mapped_column(String(MAX_CALL_ID_CHARS), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_event_id: Mapped[str | None] = mapped_column(String(MAX_CALL_ID_CHARS), nullable=True)
    last_reply: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[float] = mapped_column(Float, index=True)


@dataclass(frozen=True, slots=True)
class StoredCall:
    state: CallState
    last_event_id: str | None
    last_reply: list[dict[str, Any]] | None


class SqlCallStore:
    def __init__(self, engine: Engine, *, ttl_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._clock = clock
        self._writes = 0
        upgrade_schema(engine)

    def create(self, state: CallState) -> bool:
        """Store a new call; ``False`` when a live call already has this id."""
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            session.execute(
                delete(VoiceCallRow).where(
                    VoiceCallRow.call_id == state.call_id, VoiceCallRow.updated_at < now - self._ttl
                )
            )
        try:
            with Session(self._engine) as session, session.begin():
                session.add(VoiceCallRow(call_id=state.call_id, state=state.as_json(), updated_at=now))
        except IntegrityError:
            return False
        return True

    def load(self, call_id: str) -> StoredCall | None:
        with Session(self._engine) as session:
            row = session.scalar(
                select(VoiceCallRow).where(
                    VoiceCallRow.call_id == call_id, VoiceCallRow.updated_at >= self._clock() - self._ttl
                )
            )
            if row is None:
                return None
            return StoredCall(CallState.from_json(row.state), row.last_event_id, row.last_reply)

    def save(self, state: CallState, *, event_id: str | None, reply: list[dict[str, Any]]) -> None:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = session.get(VoiceCallRow, state.call_id)
            if row is None:
                session.add(
                    VoiceCallRow(
                        call_id=state.call_id,
                        state=state.as_json(),
                        last_event_id=event_id,
                        last_reply=reply,
                        updated_at=now,
                    )
                )
            else:
                row.state, row.last_event_id, row.last_reply, row.updated_at = (
                    state.as_json(),
                    event_id,
                    reply,
                    now,
                )
        self._sweep(now)

    def delete(self, call_id: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(VoiceCallRow).where(VoiceCallRow.call_id == call_id))

    def _sweep(self, now: float) -> None:
        self._writes += 1
        if self._writes % _SWEEP_EVERY:
            return
        with Session(self._engine) as session, session.begin():
            session.execute(delete(VoiceCallRow).where(VoiceCallRow.updated_at < now - self._ttl))
