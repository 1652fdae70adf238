"""Conversation events in any SQLAlchemy database (SQLite by default, PostgreSQL in production).

Append-only: a turn's events are written in one transaction after the turn, so a restart resumes
every conversation exactly where it stopped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Engine, Float, Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.events import Event
from bot.privacy import redact_event
from bot.tracker import DialogueStateTracker
from knowledge.migrations import upgrade_schema

__all__ = ["EventRow", "SqlTrackerStore"]


class _Base(DeclarativeBase):
    pass


class EventRow(_Base):
    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    type_name: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class SqlTrackerStore:
    def __init__(self, engine: Engine, slot_names: list[str]) -> None:
        self._engine = engine
        self._slot_names = slot_names
        upgrade_schema(engine)  # the schema is owned by knowledge/migrations/, not create_all

    def retrieve(self, sender_id: str) -> DialogueStateTracker:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(EventRow.data).where(EventRow.sender_id == sender_id).order_by(EventRow.id)
            ).all()
        return DialogueStateTracker(sender_id, self._slot_names, events=list(rows))

    def append(self, sender_id: str, events: list[Event]) -> None:
        if not events:
            return
        with Session(self._engine) as session, session.begin():
            session.add_all(
                EventRow(
                    sender_id=sender_id,
                    type_name=str(event.get("event")),
                    timestamp=float(event.get("timestamp") or 0.0),
                    data=redact_event(event),
                )
                for event in events
            )

    def senders(self) -> list[str]:
        with Session(self._engine) as session:
            return list(session.scalars(select(EventRow.sender_id).distinct()))
