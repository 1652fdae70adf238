"""Who answers the citizen: the bot, or the agent holding the conversation — decided here only.

``HandoffPolicy.review`` sees the actions the dialogue planned for a turn and returns the ones to
run:

- an agent holds the conversation → none: the bot stays silent, the turn is still stored;
- the citizen asks for a person (``request_human``, or wording that asks for one outright, however
  the rest of the message reads: "bấm mãi không được, cho tôi nói chuyện với cán bộ") → ``action_handoff``
  instead;
- the bot failed ``failures_in_a_row`` turns in a row (asked to rephrase, offered readings, or had
  to say it only answers about procedures) → its reply, then ``action_handoff``;
- otherwise the plan unchanged.

``HandoffAction`` queues the conversation and tells the citizen the usual waiting time and the
working hours — or, out of hours, when staff are back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from actions.sdk import CollectingDispatcher, DomainDict, EventType, Tracker
from bot.tracker import DialogueStateTracker
from console.handoff_store import HandoffState, HandoffStore
from console.hours import OfficeHours
from console.settings import HandoffSettings
from nlu.tokenize import folded_syllables

__all__ = ["FAILED_ACTIONS", "HANDOFF_ACTION", "HandoffAction", "HandoffPolicy", "HandoffTexts", "asks_for_a_person"]

HANDOFF_ACTION = "action_handoff"
# A turn whose plan holds one of these did not answer the citizen.
FAILED_ACTIONS = frozenset({"action_clarify", "utter_ask_rephrase", "utter_out_of_scope"})
# Wording that asks for a person outright: to talk to, meet or be put through to staff, as a request
# (opening the message, or after "cho tôi", "muốn", "xin"...). Folded. Not staff in a story or a
# complaint ("lên xã gặp cán bộ thì họ bảo về", "cán bộ thái độ hách dịch", "hồ sơ chuyển cho cán bộ nào").
_A_PERSON = r"(can bo|nhan vien|nguoi that|tong dai vien|tu van vien|chuyen vien|nguoi truc)"
_REQUEST = r"(^|\bcho (toi|em|e|minh|tui|chau|con|bac|co|chu|anh|chi|ba|ong) |\bmuon |\bcan |\bxin |\bvui long |\bgiup (toi|em|minh) )"
_ASKS_FOR_A_PERSON = re.compile(
    rf"{_REQUEST}(duoc )?(noi chuyen|gap|ket noi|trao doi|hoi truc tiep) (truc tiep )?(voi )?{_A_PERSON}"
    rf"|\b(chuyen may|noi may) (cho |sang |qua |toi |gap |voi )?(mot )?{_A_PERSON}"
)


def asks_for_a_person(text: str) -> bool:
    """Whether the message asks outright to talk to a person."""
    return _ASKS_FOR_A_PERSON.search(folded_syllables(text)) is not None


class HandoffPolicy:
    def __init__(self, store: HandoffStore, config: HandoffSettings) -> None:
        self._store = store
        self._config = config

    def review(self, tracker: DialogueStateTracker, parse: dict[str, Any], planned: list[str]) -> list[str]:
        if not self._config.enabled:
            return planned
        handoff = self._store.open_for(tracker.sender_id)
        if handoff is not None and handoff.state == HandoffState.HELD:
            return []
        intent = (parse.get("intent") or {}).get("name")
        if intent == "request_human" or asks_for_a_person(str(parse.get("text") or "")):
            return [HANDOFF_ACTION]
        if (
            handoff is None
            and _failed(planned)
            and self._failed_before(tracker, self._config.failures_in_a_row - 1)
        ):
            return [*planned, HANDOFF_ACTION]
        return planned

    @staticmethod
    def _failed_before(tracker: DialogueStateTracker, turns: int) -> bool:
        """Whether each of the ``turns`` user turns before this one got a failed reply."""
        if turns <= 0:
            return True
        users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
        if len(users) < turns + 1:
            return False
        for start, end in zip(users[-turns - 1 : -1], users[-turns:], strict=True):
            ran = [e.get("name") for e in tracker.events[start:end] if e.get("event") == "action"]
            if HANDOFF_ACTION in ran or not _failed(ran):
                return False
        return True


def _failed(actions: list[Any]) -> bool:
    return any(name in FAILED_ACTIONS for name in actions)


class HandoffTexts:
    """What the citizen is told; the waiting time is measured once enough handoffs were taken."""

    def __init__(self, store: HandoffStore, config: HandoffSettings, hotline: str) -> None:
        self._store = store
        self._config = config
        self._hours = OfficeHours(config.hours)
        self._hotline = hotline

    @property
    def hours(self) -> OfficeHours:
        return self._hours

    def usual_wait_minutes(self) -> int:
        measured = self._store.median_wait_seconds()
        minutes = measured / 60 if measured is not None else self._config.usual_wait_minutes
        return max(1, round(minutes))

    def queued(self, moment: float, position: int, *, again: bool) -> str:
        if not self._hours.is_open(moment):
            return (
                f"Dạ, hiện đã ngoài giờ làm việc của tổng đài viên ({self._hours.describe()}). Em đã chuyển yêu cầu "
                f"của anh/chị vào hàng chờ; cán bộ sẽ trả lời ngay trong cuộc trò chuyện này từ "
                f"{self._hours.back_text(moment)}. Trong lúc chờ, anh/chị vẫn có thể hỏi em về thủ tục ạ."
            )
        lead = (
            "Dạ, anh/chị đang trong hàng chờ gặp cán bộ"
            if again
            else ("Dạ, em đã chuyển cuộc trò chuyện tới cán bộ tổng đài")
        )
        return (
            f"{lead} (vị trí thứ {position}). Thời gian chờ thường khoảng {self.usual_wait_minutes()} phút "
            f"trong giờ làm việc ({self._hours.describe()}); cán bộ sẽ trả lời ngay tại đây. Anh/chị cũng có "
            f"thể gọi tổng đài {self._hotline} ạ."
        )

    @staticmethod
    def taken(staff_name: str) -> str:
        return f"Dạ, cán bộ {staff_name} đã tiếp nhận cuộc trò chuyện và sẽ trả lời anh/chị ngay tại đây ạ."

    @staticmethod
    def closed() -> str:
        return (
            "Dạ, cán bộ tổng đài đã kết thúc hỗ trợ. Em là trợ lý ảo, tiếp tục hỗ trợ anh/chị: anh/chị cứ nhắn "
            'câu hỏi về thủ tục, hoặc nhắn "gặp tổng đài viên" khi cần gặp cán bộ ạ.'
        )


class HandoffAction:
    """``action_handoff``: queue the conversation for staff and say so (position, wait, hours)."""

    def __init__(
        self, store: HandoffStore, texts: HandoffTexts, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._texts = texts
        self._clock = clock

    def name(self) -> str:
        return HANDOFF_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        existing = self._store.open_for(tracker.sender_id)
        handoff = existing or self._store.queue(
            sender_id=tracker.sender_id,
            channel=tracker.latest_input_channel or "rest",
            reason="asked" if intent == "request_human" or asks_for_a_person(tracker.latest_message.get("text") or "") else "failed",
            question=_last_question(tracker),
        )
        position = self._store.position(handoff)
        dispatcher.utter_message(
            text=self._texts.queued(self._clock(), position, again=existing is not None),
            custom={"handoff": {"kind": "notice", "state": handoff.state.value}},
        )
        return []


def _last_question(tracker: Tracker) -> str | None:
    """The citizen's last message that was not the request for a person itself, for the queue."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = str(event.get("text") or "")
        if text and not text.startswith("/") and intent != "request_human":
            return text
    text = str(tracker.latest_message.get("text") or "")
    return text if text and not text.startswith("/") else None
