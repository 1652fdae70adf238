"""Feedback on suggestions, the curator's list, handoffs and staff logins on SQLite and on a real
PostgreSQL server (``DVCBOT_TEST_POSTGRES_URL``; skipped without it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.service import make_engine
from console.assist import Suggestion
from console.handoff_store import HandoffConflict, HandoffState, HandoffStore
from console.settings import StaffSettings
from console.staff import LoginResult, Role, StaffStore
from console.suggestion_log import FeedbackKind, SuggestionLog

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        if not POSTGRES:
            pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
        built = make_engine(POSTGRES)
    else:
        built = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    yield built
    built.dispose()


def suggestion(procedure: str, aspect: str, text: str = "Dạ, về thủ tục ...") -> Suggestion:
    return Suggestion(
        text=text, procedure=procedure, procedure_name=procedure, aspect=aspect, confidence=0.8, sources=[]
    )


def test_feedback_is_stored_and_the_curator_lists_the_worst_first(engine: Engine) -> None:
    log = SuggestionLog(engine)
    run = uuid.uuid4().hex[:8]  # the PostgreSQL database outlives a test run
    fee, docs, fine = f"p_{run}_fee", f"p_{run}_docs", f"p_{run}_fine"
    ids = log.record(
        staff_id=1,
        query="lệ phí bao nhiêu, sđt 0912345678",
        suggestions=[
            suggestion(fee, "ask_fee"),
            suggestion(docs, "ask_documents"),
            suggestion(fine, "ask_fee"),
        ],
    )
    assert len(ids) == 3 and len(set(ids)) == 3
    log.feedback(suggestion_id=ids[0], staff_id=1, kind=FeedbackKind.SHOWN)
    log.feedback(suggestion_id=ids[0], staff_id=1, kind=FeedbackKind.WRONG)
    log.feedback(suggestion_id=ids[0], staff_id=2, kind=FeedbackKind.WRONG)
    log.feedback(
        suggestion_id=ids[1],
        staff_id=1,
        kind=FeedbackKind.EDITED,
        final_text="Hồ sơ gồm 2 giấy, gọi 0912345678",
    )
    log.feedback(suggestion_id=ids[2], staff_id=1, kind=FeedbackKind.USED)
    assert log.kinds_of(ids[0]) == ["shown", "wrong", "wrong"]
    with pytest.raises(ValueError):
        log.feedback(suggestion_id=ids[1], staff_id=1, kind=FeedbackKind.EDITED, final_text="  ")
    with pytest.raises(KeyError):
        log.feedback(suggestion_id=10**9, staff_id=1, kind=FeedbackKind.WRONG)
    mine = [
        item for item in log.worst(limit=1000) if item.procedure and item.procedure.startswith(f"p_{run}")
    ]
    assert [(i.procedure, i.wrong, i.edited) for i in mine] == [
        (fee, 2, 0),
        (docs, 0, 1),
    ]  # "fine" was only used
    assert mine[0].example_query.startswith("lệ phí bao nhiêu") and "0912345678" not in mine[0].example_query
    assert mine[1].example_final_text is not None and "0912345678" not in mine[1].example_final_text


def test_handoffs_queue_take_and_close(engine: Engine) -> None:
    store = HandoffStore(engine)
    sender = f"rest-{uuid.uuid4().hex}"
    first = store.queue(
        sender_id=sender, channel="rest", reason="asked", question="CCCD 001203000006 của tôi"
    )
    assert store.queue(sender_id=sender, channel="rest", reason="failed", question=None).id == first.id
    assert first.question is not None and "001203000006" not in first.question
    held = store.take(first.id, staff_id=7)
    assert held.state == HandoffState.HELD and store.open_for(sender) == held
    with pytest.raises(HandoffConflict):
        store.take(first.id, staff_id=8)  # already taken
    with pytest.raises(HandoffConflict):
        store.close(first.id, staff_id=8)  # held by someone else
    closed = store.close(first.id, staff_id=7)
    assert closed.state == HandoffState.CLOSED and store.open_for(sender) is None
    again = store.queue(sender_id=sender, channel="rest", reason="asked", question=None)
    assert again.id != first.id and store.position(again) >= 1


def test_staff_login_and_lockout(engine: Engine) -> None:
    store = StaffStore(engine, StaffSettings(max_failed_logins=2))
    name = f"cb-{uuid.uuid4().hex[:8]}"
    store.add(name, Role.ADMIN, "mat-khau-that-dai-2026")
    result, session = store.login(name, "mat-khau-that-dai-2026")
    assert result == LoginResult.OK and session is not None and store.session(session.token) is not None
    assert [store.login(name, "sai-mat-khau")[0] for _ in range(2)] == [LoginResult.WRONG, LoginResult.LOCKED]
    assert store.login(name, "mat-khau-that-dai-2026")[0] == LoginResult.LOCKED
