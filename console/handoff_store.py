"""Conversations handed to staff: queued → held (an agent took it) → closed.

Kept in its own table (``handoffs``), apart from the tracker store: one open row per conversation
at most, so the dialogue asks one cheap question per turn — is an agent holding this sender?
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.direct_sql import DirectStatement, direct
from bot.privacy import mask_numbers
from console.tables import HandoffRow
from knowledge.migrations import upgrade_schema

__all__ = ["Handoff", "HandoffConflict", "HandoffState", "HandoffStore"]

MAX_QUESTION_CHARS = 2000


class HandoffState(StrEnum):
    QUEUED = "queued"
    HELD = "held"
    CLOSED = "closed"


class HandoffConflict(Exception):
    """The handoff is not in a state that allows this (taken by someone else, already closed)."""


@dataclass(frozen=True, slots=True)
class Handoff:
    id: int
    sender_id: str
    channel: str
    reason: str
    state: HandoffState
    question: str | None
    queued_at: float
    taken_at: float | None
    closed_at: float | None
    staff_id: int | None

    @classmethod
    def of(cls, row: HandoffRow) -> Handoff:
        return cls(
            row.id,
            row.sender_id,
            row.channel,
            row.reason,
            HandoffState(row.state),
            row.question,
            row.queued_at,
            row.taken_at,
            row.closed_at,
            row.staff_id,
        )


_OPEN = (HandoffState.QUEUED.value, HandoffState.HELD.value)
_HANDOFFS = HandoffRow.__table__
# Asked on every turn (console.handoff_policy): a Core statement built once, no ORM session.
_OPEN_FOR = (
    select(*(_HANDOFFS.c[name] for name in Handoff.__dataclass_fields__))  # in the order of Handoff's fields
    # Two comparisons, not IN: SQLAlchemy renders an IN list's SQL again at every execution.
    .where(
        _HANDOFFS.c.sender_id == bindparam("b_sender"),
        or_(*(_HANDOFFS.c.state == bindparam(f"b_state_{i}", state) for i, state in enumerate(_OPEN))),
    )
    .order_by(_HANDOFFS.c.id.desc())
    .limit(1)
)


class HandoffStore:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        read_engine: Engine | None = None,  # for open_for, asked on every turn (bot.service.make_read_engine)
    ) -> None:
        self._engine = engine
        self._reads = read_engine or engine
        self._clock = clock
        upgrade_schema(engine)
        self._open_for = DirectStatement(_OPEN_FOR, self._reads)  # on the driver directly (bot.direct_sql)

    def open_for(self, sender_id: str) -> Handoff | None:
        """The conversation's queued or held handoff, if any."""
        with direct(self._reads) as connection:
            row = connection.first(self._open_for, {"b_sender": sender_id})
        if row is None:
            return None
        return Handoff(row[0], row[1], row[2], row[3], HandoffState(row[4]), *row[5:])

    def queue(self, *, sender_id: str, channel: str, reason: str, question: str | None) -> Handoff:
        """Queue the conversation, or return its open handoff unchanged."""
        with Session(self._engine) as session, session.begin():
            row = session.scalar(
                select(HandoffRow).where(HandoffRow.sender_id == sender_id, HandoffRow.state.in_(_OPEN))
            )
            if row is None:
                row = HandoffRow(
                    sender_id=sender_id,
                    channel=channel,
                    reason=reason,
                    state=HandoffState.QUEUED.value,
                    question=mask_numbers(question[:MAX_QUESTION_CHARS]) if question else None,
                    queued_at=self._clock(),
                )
                session.add(row)
                session.flush()
            return Handoff.of(row)

    def get(self, handoff_id: int) -> Handoff | None:
        with Session(self._engine) as session:
            row = session.get(HandoffRow, handoff_id)
            return Handoff.of(row) if row else None

    def take(self, handoff_id: int, staff_id: int) -> Handoff:
        """The agent holds the conversation from now; ``HandoffConflict`` unless it was queued."""
        with Session(self._engine) as session, session.begin():
            row = session.get(HandoffRow, handoff_id, with_for_update=True)
            if row is None or row.state != HandoffState.QUEUED.value:
                raise HandoffConflict("not waiting in the queue")
            row.state = HandoffState.HELD.value
            row.staff_id = staff_id
            row.taken_at = self._clock()
            return Handoff.of(row)

    def close(self, handoff_id: int, staff_id: int) -> Handoff:
        """Back to the bot; only the agent holding it may close it (or anyone while it is queued)."""
        with Session(self._engine) as session, session.begin():
            row = session.get(HandoffRow, handoff_id, with_for_update=True)
            if row is None or row.state == HandoffState.CLOSED.value:
                raise HandoffConflict("already closed")
            if row.state == HandoffState.HELD.value and row.staff_id != staff_id:
                raise HandoffConflict("held by another agent")
            row.state = HandoffState.CLOSED.value
            row.closed_at = self._clock()
            if row.staff_id is None:
                row.staff_id = staff_id
            return Handoff.of(row)

    def open_handoffs(self) -> list[Handoff]:
        """The queue (oldest first) and the held conversations."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(HandoffRow).where(HandoffRow.state.in_(_OPEN)).order_by(HandoffRow.queued_at)
            )
            return [Handoff.of(row) for row in rows]

    def since(self, started: float) -> list[Handoff]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(HandoffRow).where(HandoffRow.queued_at >= started).order_by(HandoffRow.id)
            )
            return [Handoff.of(row) for row in rows]

    def position(self, handoff: Handoff) -> int:
        """1 for the first in the queue."""
        with Session(self._engine) as session:
            ahead = session.scalar(
                select(func.count())
                .select_from(HandoffRow)
                .where(
                    HandoffRow.state == HandoffState.QUEUED.value, HandoffRow.queued_at < handoff.queued_at
                )
            )
            return int(ahead or 0) + 1

    def median_wait_seconds(self, *, last: int = 20, at_least: int = 3) -> float | None:
        """How long the last taken handoffs waited (median), once there are enough to say."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(HandoffRow.queued_at, HandoffRow.taken_at)
                .where(HandoffRow.taken_at.is_not(None))
                .order_by(HandoffRow.taken_at.desc())
                .limit(last)
            ).all()
        waits = [float(taken) - float(queued) for queued, taken in rows]
        return statistics.median(waits) if len(waits) >= at_least else None
