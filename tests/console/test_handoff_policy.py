"""Handoff through the core: asking for a person, failing twice, an agent holding, closing."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.messages import UserMessage
from bot.service import Service, make_engine
from console.handoff_policy import HandoffTexts, asks_for_a_person
from console.handoff_store import HandoffState, HandoffStore
from console.settings import HandoffSettings, WorkingHours


def talk(service: Service, sender: str, text: str, channel: str = "rest") -> str:
    replies = asyncio.run(
        service.agent.handle(UserMessage(text=text, sender_id=sender, input_channel=channel))
    )
    return "\n".join(r.text or "" for r in replies)


def sender() -> str:
    return f"rest-handoff-{uuid.uuid4().hex[:8]}"


def test_asking_for_a_person_queues_the_conversation_with_wait_and_hours(open_service: Service) -> None:
    user = sender()
    talk(open_service, user, "lệ phí cấp giấy phép lao động bao nhiêu")
    reply = talk(open_service, user, "cho tôi gặp tổng đài viên")
    assert "vị trí thứ" in reply
    assert "chuyển cuộc trò chuyện tới cán bộ" in reply
    minutes = open_service.handoff.texts.usual_wait_minutes()  # type: ignore[union-attr]
    assert f"khoảng {minutes} phút" in reply and "00:00–24:00" in reply and "18001096" in reply
    store = open_service.handoff.store  # type: ignore[union-attr]
    handoff = store.open_for(user)
    assert handoff is not None and handoff.state == HandoffState.QUEUED and handoff.reason == "asked"
    assert handoff.question == "lệ phí cấp giấy phép lao động bao nhiêu"
    # Asking again does not queue twice: it says where they stand.
    again = talk(open_service, user, "gặp cán bộ")
    assert "đang trong hàng chờ" in again
    assert [h.id for h in store.open_handoffs() if h.sender_id == user] == [handoff.id]


def test_two_failed_turns_in_a_row_hand_over(open_service: Service) -> None:
    user = sender()
    first = talk(open_service, user, "xyz qwe asdf zxcv")
    assert "cán bộ" not in first
    second = talk(open_service, user, "lkjh mnbv poiu")
    assert "chuyển cuộc trò chuyện tới cán bộ" in second
    handoff = open_service.handoff.store.open_for(user)  # type: ignore[union-attr]
    assert handoff is not None and handoff.reason == "failed"


def test_while_an_agent_holds_it_the_bot_is_silent_but_every_turn_is_stored(open_service: Service) -> None:
    user = sender()
    talk(open_service, user, "cho em gặp người thật")
    store = open_service.handoff.store  # type: ignore[union-attr]
    handoff = store.open_for(user)
    assert handoff is not None
    store.take(handoff.id, staff_id=1)
    assert talk(open_service, user, "hồ sơ hưởng trợ cấp thất nghiệp gồm những gì") == ""
    events = open_service.agent.store.retrieve(user).events
    assert any(
        e.get("event") == "user" and e.get("text") == "hồ sơ hưởng trợ cấp thất nghiệp gồm những gì"
        for e in events
    )
    store.close(handoff.id, staff_id=1)
    assert "Hồ sơ gồm" in talk(open_service, user, "hồ sơ hưởng trợ cấp thất nghiệp gồm những gì")


def test_the_usual_wait_is_configured_until_three_taken_handoffs_measure_it(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    store = HandoffStore(make_engine(f"sqlite:///{tmp_path / 'waits.db'}"), clock=lambda: now[0])
    texts = HandoffTexts(store, HandoffSettings(usual_wait_minutes=5), "18001096")
    assert texts.usual_wait_minutes() == 5
    for waited in (60.0, 600.0, 180.0):
        handoff = store.queue(sender_id=f"rest-{waited}", channel="rest", reason="asked", question=None)
        now[0] += waited
        store.take(handoff.id, staff_id=1)
    assert texts.usual_wait_minutes() == 3  # the median of 1, 10 and 3 minutes


def test_out_of_hours_the_bot_says_when_staff_are_back(open_service: Service) -> None:
    config = HandoffSettings(hours=WorkingHours(weekdays=[1, 2, 3, 4, 5], opens="07:30", closes="17:00"))
    texts = HandoffTexts(open_service.handoff.store, config, "18001096")  # type: ignore[union-attr]
    saturday_night = dt.datetime(2026, 12, 5, 21, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).timestamp()
    said = texts.queued(saturday_night, 1, again=False)
    assert "ngoài giờ làm việc" in said and "07:30 Thứ Hai, 07/12/2026" in said
    tuesday_morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).timestamp()
    assert "vị trí thứ 1" in texts.queued(tuesday_morning, 1, again=False)
    assert texts.hours.is_open(tuesday_morning) and not texts.hours.is_open(saturday_night)


@pytest.mark.parametrize(
    "text, asks",
    [
        ("Cho tôi nói chuyện với cán bộ đi, tôi già rồi mắt kém bấm chữ khó lắm", True),
        ("chuyen may cho nhan vien giup toi", True),
        ("ad oi cho e gap nhan vien tu van", True),
        ("gặp cán bộ", True),
        ("cán bộ ở trung tâm thái độ hách dịch lắm", False),
        ("tôi lên xã gặp cán bộ thì họ bảo về", False),
        ("hồ sơ chuyển cho cán bộ nào xử lý", False),
    ],
)
def test_wording_that_asks_for_a_person_outright(text: str, asks: bool) -> None:
    assert asks_for_a_person(text) is asks


def test_asking_for_a_person_among_complaints_is_handed_over(open_service: Service) -> None:
    user = sender()
    reply = talk(open_service, user, "bấm mãi không được, cho tôi nói chuyện với cán bộ, tôi già rồi mắt kém lắm")
    assert "chuyển cuộc trò chuyện tới cán bộ" in reply
    handoff = open_service.handoff.store.open_for(user)  # type: ignore[union-attr]
    assert handoff is not None and handoff.reason == "asked"
