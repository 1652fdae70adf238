"""Conversations in any SQLAlchemy database (SQLite by default, PostgreSQL in production).

Two tables, written together in one transaction per turn, so a turn is stored whole or not at all:

- ``conversation_states``: one row per conversation — a bounded snapshot (``DialogueStateTracker
  .snapshot()`` and the latest ``RECENT_EVENTS`` events), its ``version`` and the ``fence`` token of
  the last writer. A turn reads this one row (``retrieve``) instead of replaying the whole history.
- ``conversation_events``: every event, append-only, for history and analytics (``history``).

``save(tracker, new_events, fence=...)`` writes a turn only if the conversation is still at the
version the tracker was read at, and (when a fence token is given, by a lock with a lease:
``bot.coordination``) only if no writer with a newer token has written since. Otherwise it raises
``StaleTracker`` and writes nothing: a worker whose lock expired while it was busy cannot overwrite
the turn of the worker that took the conversation over. ``append(sender_id, events)`` is the
read-modify-write for events that come from outside a turn (a pushed alert), under a row lock.

A conversation stored before the snapshots existed (revision 0010) has no state row: it is replayed
from its events once, and its next turn writes the row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Engine,
    Float,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.direct_sql import DirectConnection, DirectStatement, JsonText, direct
from bot.events import Event
from bot.privacy import Masked, mask_deep, redact_event
from bot.tracker import RECENT_EVENTS, DialogueStateTracker
from knowledge.migrations import upgrade_schema

__all__ = ["ConversationStateRow", "EventRow", "SqlTrackerStore", "StaleTracker"]


class StaleTracker(RuntimeError):
    """The conversation moved on since the tracker was read (or a newer lock holder wrote): nothing written."""


class _Base(DeclarativeBase):
    pass


class EventRow(_Base):
    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    type_name: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConversationStateRow(_Base):
    __tablename__ = "conversation_states"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    fence: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    recent: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[float] = mapped_column(Float)


_EVENTS = EventRow.__table__
_STATES = ConversationStateRow.__table__


# Built once: composing a statement costs more than running it on SQLite (a turn runs three). They
# run on the driver directly (``bot.direct_sql``), compiled once per store for its dialect; JSON is
# read as its text and parsed here, and written as text serialised here (``_strict_json``).
_READ_STATE = select(
    _STATES.c.version, cast(_STATES.c.state, Text).label("state"), cast(_STATES.c.recent, Text).label("recent")
).where(_STATES.c.sender_id == bindparam("b_sender"))
_READ_STATE_FOR_UPDATE = _READ_STATE.with_for_update()  # PostgreSQL: a row lock; SQLite ignores it
_READ_EVENTS = (
    select(cast(_EVENTS.c.data, Text).label("data"))
    .where(_EVENTS.c.sender_id == bindparam("b_sender"))
    .order_by(_EVENTS.c.id)
)
_INSERT_STATE = insert(_STATES).values(
    sender_id=bindparam("b_sender"),
    version=bindparam("b_new_version"),
    fence=bindparam("b_fence"),
    state=bindparam("b_state", type_=JsonText()),
    recent=bindparam("b_recent", type_=JsonText()),
    updated_at=bindparam("b_now"),
)
_INSERT_EVENTS = insert(_EVENTS).values(
    sender_id=bindparam("b_sender"),
    type_name=bindparam("b_type"),
    timestamp=bindparam("b_timestamp"),
    data=bindparam("b_data", type_=JsonText()),
)
_STATE_VALUES = {
    "version": bindparam("b_new_version"),
    "state": bindparam("b_state", type_=JsonText()),
    "recent": bindparam("b_recent", type_=JsonText()),
    "updated_at": bindparam("b_now"),
}
_UPDATE_STATE = (
    update(_STATES)
    .where(_STATES.c.sender_id == bindparam("b_sender"), _STATES.c.version == bindparam("b_version"))
    .values(**_STATE_VALUES)
)
_UPDATE_FENCED_STATE = (
    update(_STATES)
    .where(
        _STATES.c.sender_id == bindparam("b_sender"),
        _STATES.c.version == bindparam("b_version"),
        _STATES.c.fence <= bindparam("b_fence"),
    )
    .values(**_STATE_VALUES, fence=bindparam("b_fence"))
)


# PostgreSQL: a turn's write as one statement — the state row's update (or first insert) and the
# events' insert, which runs only if the row was written —, atomic as every statement, sent in one
# round trip on the autocommit pool instead of BEGIN, UPDATE, INSERT and COMMIT. The events come as
# three JSON texts side by side — the events, their types, their timestamps — (array parameters cost
# psycopg ~0.4 ms of CPU a turn to adapt), each event's own text kept as written (an element of a
# json value is its text; the events' array is never de-escaped, so a NUL escaped in a message is
# stored as before), and are inserted in their order (ids grow in the order of the ordinality).
_PG_EVENTS = """
INSERT INTO conversation_events (sender_id, type_name, timestamp, data)
SELECT written.sender_id, event.kind, CAST(event.at AS FLOAT8), event.data
FROM written, ROWS FROM (
  json_array_elements(CAST(:b_events AS JSON)),
  json_array_elements_text(CAST(:b_types AS JSON)),
  json_array_elements_text(CAST(:b_timestamps AS JSON))
) WITH ORDINALITY AS event(data, kind, at, position)
ORDER BY event.position
"""
_PG_STATE_SET = """version = :b_new_version, state = CAST(:b_state AS JSON), recent = CAST(:b_recent AS JSON),
      updated_at = :b_now"""
_PG_UPDATE_AND_APPEND = text(f"""
WITH written AS (
  UPDATE conversation_states SET {_PG_STATE_SET}
  WHERE sender_id = :b_sender AND version = :b_version
  RETURNING sender_id
) {_PG_EVENTS}""")
_PG_FENCED_UPDATE_AND_APPEND = text(f"""
WITH written AS (
  UPDATE conversation_states SET {_PG_STATE_SET}, fence = :b_fence
  WHERE sender_id = :b_sender AND version = :b_version AND fence <= :b_fence
  RETURNING sender_id
) {_PG_EVENTS}""")
_PG_START_AND_APPEND = text(f"""
WITH written AS (
  INSERT INTO conversation_states (sender_id, version, fence, state, recent, updated_at)
  VALUES (:b_sender, :b_new_version, :b_fence, CAST(:b_state AS JSON), CAST(:b_recent AS JSON), :b_now)
  ON CONFLICT (sender_id) DO NOTHING
  RETURNING sender_id
) {_PG_EVENTS}""")


class _Statements:
    """The store's statements compiled for its engine's dialect."""

    def __init__(self, engine: Engine) -> None:
        self.one_statement_writes = engine.dialect.name == "postgresql"
        if self.one_statement_writes:
            self.update_and_append = DirectStatement(_PG_UPDATE_AND_APPEND, engine)
            self.fenced_update_and_append = DirectStatement(_PG_FENCED_UPDATE_AND_APPEND, engine)
            self.start_and_append = DirectStatement(_PG_START_AND_APPEND, engine)
        self.read_state = DirectStatement(_READ_STATE, engine)
        self.read_state_for_update = DirectStatement(_READ_STATE_FOR_UPDATE, engine)
        self.read_events = DirectStatement(_READ_EVENTS, engine)
        self.insert_state = DirectStatement(_INSERT_STATE, engine)
        self.insert_events = DirectStatement(_INSERT_EVENTS, engine)
        self.update_state = DirectStatement(_UPDATE_STATE, engine)
        self.update_fenced_state = DirectStatement(_UPDATE_FENCED_STATE, engine)


def _strict_json(value: Any) -> str:
    """As the engines serialise JSON (``bot.service.make_engine``): NaN and Infinity refused."""
    return json.dumps(value, allow_nan=False)


@dataclass(frozen=True, slots=True)
class _TurnWrite:
    """A turn's write, serialised: the state row's new values and the new events (redacted)."""

    sender_id: str
    version: int  # as read; the row gets version + 1
    fence: int | None
    state: str
    recent: str
    now: float
    types: list[str]
    timestamps: list[float]
    datas: list[str]

    def state_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "b_sender": self.sender_id,
            "b_version": self.version,
            "b_new_version": self.version + 1,
            "b_state": self.state,
            "b_recent": self.recent,
            "b_now": self.now,
            "b_fence": self.fence or 0,
        }
        return values


# How long each store call took, by operation; the service passes its metrics here (bot.metrics).
StoreTimer = Callable[[str, float], None]


class SqlTrackerStore:
    def __init__(
        self,
        engine: Engine,
        slot_names: list[str],
        *,
        timer: StoreTimer | None = None,
        read_engine: Engine | None = None,  # retrieve and history (bot.service.make_read_engine)
    ) -> None:
        self._engine = engine
        self._reads = read_engine or engine
        self._slot_names = slot_names
        self._timer = timer
        upgrade_schema(engine)  # the schema is owned by knowledge/migrations/, not create_all
        self._sql = _Statements(engine)

    # Reading -------------------------------------------------------------------------------------
    def retrieve(self, sender_id: str) -> DialogueStateTracker:
        started = time.perf_counter()
        with direct(self._reads) as connection:
            tracker = self._read(connection, sender_id)
        self._timed("retrieve", started)
        return tracker

    def _read(
        self, connection: DirectConnection, sender_id: str, *, for_update: bool = False
    ) -> DialogueStateTracker:
        query = self._sql.read_state_for_update if for_update else self._sql.read_state
        row = connection.first(query, {"b_sender": sender_id})
        if row is not None:
            version, state_text, recent_text = row
            recent = json.loads(recent_text)
            tracker = DialogueStateTracker.restore(
                sender_id, self._slot_names, json.loads(state_text), recent, version
            )
            tracker.stored_recent = (recent_text, len(recent))
            return tracker
        return DialogueStateTracker(sender_id, self._slot_names, events=self._events(connection, sender_id))

    def _events(self, connection: DirectConnection, sender_id: str) -> list[Event]:
        cursor = connection.execute(self._sql.read_events, {"b_sender": sender_id})
        try:
            return [json.loads(data) for (data,) in cursor.fetchall()]
        finally:
            cursor.close()

    def history(self, sender_id: str) -> list[Event]:
        """Every stored event of the conversation, oldest first (the snapshot keeps only the recent ones)."""
        with direct(self._reads) as connection:
            return self._events(connection, sender_id)

    def senders(self) -> list[str]:
        with self._engine.connect() as connection:
            return list(connection.execute(select(_EVENTS.c.sender_id).distinct()).scalars())

    # Writing -------------------------------------------------------------------------------------
    def save(
        self, tracker: DialogueStateTracker, new_events: list[Event], *, fence: int | None = None
    ) -> None:
        """Store a turn: ``tracker`` holds ``new_events`` at its end, applied since it was read.

        Raises ``StaleTracker`` (nothing written) if the conversation was written since, or if
        ``fence`` is older than the token of the last writer.
        """
        if not new_events:
            return
        started = time.perf_counter()
        if self._sql.one_statement_writes:
            # The autocommit pool when there is one (bot.service.make_read_engine): one round trip.
            with direct(self._reads, write=True) as connection:
                self._write_at_once(connection, self._prepared(tracker, new_events, fence))
        else:
            with direct(self._engine, write=True) as connection:
                self._write(connection, tracker, new_events, fence)
        tracker.version += 1
        self._timed("save", started)

    def append(self, sender_id: str, events: list[Event], *, fence: int | None = None) -> None:
        """Apply ``events`` to the stored conversation and store them (read, apply, write: one transaction)."""
        if not events:
            return
        started = time.perf_counter()
        with direct(self._engine, write=True) as connection:
            tracker = self._read(connection, sender_id, for_update=True)
            for event in events:
                tracker.update(event)
            self._write(connection, tracker, events, fence)
        self._timed("append", started)

    def _prepared(self, tracker: DialogueStateTracker, new_events: list[Event], fence: int | None) -> _TurnWrite:
        """What a turn writes, redacted and serialised: the snapshot, the recent events, each new event."""
        masked: Masked = {}  # the user event's parse is the snapshot's latest message too: masked once
        redacted = [redact_event(event, masked) for event in new_events]
        earlier = tracker.events[: len(tracker.events) - len(new_events)]  # as read: already redacted
        state = mask_deep(tracker.snapshot(), masked)  # what replaying the redacted events would give
        stored, tracker.stored_recent = tracker.stored_recent, None  # the text below is the new one
        datas = [_strict_json(event) for event in redacted]
        if stored is not None and stored[1] == len(earlier) and len(earlier) + len(redacted) <= RECENT_EVENTS:
            # Nothing falls out of the window: the stored text with this turn's events appended
            # (earlier events are not serialised again: a turn's user event alone is kilobytes).
            added = ", ".join(datas)
            recent_text = f"[{added}]" if not earlier else f"{stored[0].rstrip()[:-1]}, {added}]"
        else:
            recent_text = _strict_json((earlier + redacted)[-RECENT_EVENTS:])
        return _TurnWrite(
            sender_id=tracker.sender_id,
            version=tracker.version,
            fence=fence,
            state=_strict_json(state),
            recent=recent_text,
            now=time.time(),
            types=[str(event.get("event")) for event in redacted],
            timestamps=[float(event.get("timestamp") or 0.0) for event in redacted],
            datas=datas,
        )

    def _write(
        self,
        connection: DirectConnection,
        tracker: DialogueStateTracker,
        new_events: list[Event],
        fence: int | None,
    ) -> None:
        """The turn's write inside the connection's transaction: the state row, then the events."""
        write = self._prepared(tracker, new_events, fence)
        if write.version == 0:
            try:  # two first turns at once: the second is refused (its transaction rolls back whole)
                connection.execute(self._sql.insert_state, write.state_values()).close()
            except IntegrityError as error:
                raise StaleTracker(f"conversation {write.sender_id!r} was started by another writer") from error
        else:
            statement = self._sql.update_state if fence is None else self._sql.update_fenced_state
            cursor = connection.execute(statement, write.state_values())
            written = cursor.rowcount
            cursor.close()
            if written != 1:
                raise StaleTracker(f"conversation {write.sender_id!r} moved past version {write.version}")
        connection.execute_many(
            self._sql.insert_events,
            [
                {"b_sender": write.sender_id, "b_type": kind, "b_timestamp": at, "b_data": data}
                for kind, at, data in zip(write.types, write.timestamps, write.datas, strict=True)
            ],
        )

    def _write_at_once(self, connection: DirectConnection, write: _TurnWrite) -> None:
        """The turn's write as one statement (PostgreSQL): nothing is written unless all of it is."""
        if write.version == 0:
            statement = self._sql.start_and_append
        elif write.fence is None:
            statement = self._sql.update_and_append
        else:
            statement = self._sql.fenced_update_and_append
        cursor = connection.execute(
            statement,
            {
                **write.state_values(),
                "b_events": f"[{', '.join(write.datas)}]",
                "b_types": _strict_json(write.types),
                "b_timestamps": _strict_json(write.timestamps),
            },
        )
        inserted = cursor.rowcount
        cursor.close()
        if inserted != len(write.datas):  # the state row was not written: no event was either
            if write.version == 0:
                raise StaleTracker(f"conversation {write.sender_id!r} was started by another writer")
            raise StaleTracker(f"conversation {write.sender_id!r} moved past version {write.version}")

    def _timed(self, operation: str, started: float) -> None:
        if self._timer is not None:
            self._timer(operation, time.perf_counter() - started)
