"""The tracker store's snapshot, versions and fences, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from bot.events import action_executed, bot_uttered, session_started, slot_set, user_uttered
from bot.service import make_engine, make_read_engine
from bot.tracker import RECENT_EVENTS, DialogueStateTracker
from bot.tracker_store import ConversationStateRow, EventRow, SqlTrackerStore, StaleTracker

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")
SLOTS = ["procedure", "requested_slot"]


# The store's pool for reads and one-statement writes, as the service builds it (autocommit on
# PostgreSQL: bot.service.make_read_engine), for the engines of the "-autocommit" runs.
READS: dict[int, Engine] = {}


@pytest.fixture(params=["sqlite", "postgresql", "postgresql-autocommit"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        return
    if not POSTGRES:
        pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
    built = make_engine(POSTGRES)
    if request.param.endswith("autocommit"):
        READS[id(built)] = make_read_engine(POSTGRES, built)
    yield built
    READS.pop(id(built), None)


def new_store(engine: Engine) -> SqlTrackerStore:
    return SqlTrackerStore(engine, SLOTS, read_engine=READS.get(id(engine)))


def turn(
    store: SqlTrackerStore, sender: str, text_: str, procedure: str | None = None, *, fence: int | None = None
) -> DialogueStateTracker:
    tracker = store.retrieve(sender)
    new = [user_uttered(text_, {"intent": {"name": "ask_fee", "confidence": 0.9}})]
    if procedure:
        new.append(slot_set("procedure", procedure))
    new += [bot_uttered(f"trả lời: {text_}"), action_executed("action_listen")]
    for event in new:
        tracker.update(event)
    store.save(tracker, new, fence=fence)
    return tracker


def sender() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def test_a_turn_reads_the_snapshot_that_replaying_would_give(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turn(store, user, "lệ phí cấp gplđ, sđt 0912345678", "work_permit_issue")
    turn(store, user, "thế nộp ở đâu")
    restored = store.retrieve(user)
    replayed = DialogueStateTracker(user, SLOTS, events=store.history(user))
    assert restored.version == 2
    assert restored.slots == replayed.slots == {"procedure": "work_permit_issue", "requested_slot": None}
    assert restored.latest_message == replayed.latest_message
    assert restored.latest_message["text"] == "thế nộp ở đâu"
    assert restored.events == replayed.events
    # masked in the snapshot as in the log
    assert "0912345678" not in str(store.retrieve(user).events)


def test_a_nul_character_in_a_message_is_stored_as_any_other(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turn(store, user, "a\x00b lệ phí")
    turn(store, user, "thế nộp ở đâu")
    texts = [e["text"] for e in store.history(user) if e["event"] == "user"]
    assert texts == ["a\x00b lệ phí", "thế nộp ở đâu"]


def test_the_snapshot_is_bounded_and_the_log_keeps_everything(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turns = RECENT_EVENTS // 3 + 5  # three events a turn: past the bound
    for i in range(turns):
        turn(store, user, f"câu hỏi {i}")
    assert len(store.retrieve(user).events) == RECENT_EVENTS
    history = store.history(user)
    assert len(history) == turns * 3
    assert [e["text"] for e in history if e["event"] == "user"] == [f"câu hỏi {i}" for i in range(turns)]
    assert store.retrieve(user).latest_message["text"] == f"câu hỏi {turns - 1}"


def test_a_turn_read_before_another_was_written_is_refused_whole(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turn(store, user, "xin chào")
    late = store.retrieve(user)  # read, then another writer stores a turn
    turn(store, user, "lệ phí bao nhiêu", "work_permit_issue")
    stale = [user_uttered("tin nhắn muộn", {}), bot_uttered("muộn")]
    for event in stale:
        late.update(event)
    with pytest.raises(StaleTracker):
        store.save(late, stale)
    texts = [e["text"] for e in store.history(user) if e["event"] == "user"]
    assert texts == ["xin chào", "lệ phí bao nhiêu"]  # nothing of the refused turn in the log
    assert store.retrieve(user).get_slot("procedure") == "work_permit_issue"


def test_two_first_turns_at_once_store_one_session(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    first, second = store.retrieve(user), store.retrieve(user)
    for tracker in (first, second):
        tracker.update(session_started())
    store.save(first, [first.events[-1]])
    with pytest.raises(StaleTracker):
        store.save(second, [second.events[-1]])
    assert [e["event"] for e in store.history(user)] == ["session_started"]


def test_a_writer_with_an_older_fence_cannot_overwrite(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turn(store, user, "xin chào", fence=10)
    turn(store, user, "lệ phí", fence=12)  # the lock was taken over: newer token
    with pytest.raises(StaleTracker):
        turn(store, user, "tôi đến muộn", fence=11)  # even reading the newest version first
    turn(store, user, "nộp ở đâu", fence=12)
    texts = [e["text"] for e in store.history(user) if e["event"] == "user"]
    assert texts == ["xin chào", "lệ phí", "nộp ở đâu"]


def test_append_applies_events_from_outside_a_turn(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    turn(store, user, "xin chào")
    store.append(user, [slot_set("procedure", "unemployment_benefit")])
    tracker = store.retrieve(user)
    assert tracker.get_slot("procedure") == "unemployment_benefit"
    assert tracker.version == 2


def test_a_conversation_stored_before_snapshots_is_replayed_once(engine: Engine) -> None:
    store = new_store(engine)
    user = sender()
    with engine.begin() as connection:  # as revision 0007 left it: events, no state row
        for event in (session_started(), user_uttered("gia hạn gplđ", {}), slot_set("procedure", "x")):
            connection.execute(
                EventRow.__table__.insert().values(
                    sender_id=user, type_name=event["event"], timestamp=event["timestamp"], data=event
                )
            )
    tracker = store.retrieve(user)
    assert tracker.version == 0 and tracker.get_slot("procedure") == "x"
    turn(store, user, "lệ phí")
    with engine.connect() as connection:
        rows = connection.execute(
            select(func.count())
            .select_from(ConversationStateRow.__table__)
            .where(ConversationStateRow.__table__.c.sender_id == user)
        ).scalar_one()
        logged = connection.execute(
            text("SELECT count(*) FROM conversation_events WHERE sender_id = :s"), {"s": user}
        ).scalar_one()
    assert rows == 1 and logged == 6
    assert store.retrieve(user).get_slot("procedure") == "x"
