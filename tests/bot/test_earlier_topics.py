"""Return cues and the procedures a conversation discussed (bot.earlier_topics)."""

from __future__ import annotations

from bot.earlier_topics import earlier_procedures, returns_to_earlier
from bot.events import slot_set, user_uttered
from bot.tracker import DialogueStateTracker


def test_a_return_cue_counts_only_where_it_opens_the_message() -> None:
    assert returns_to_earlier("thôi quay lại, nộp ở đâu")
    assert returns_to_earlier("vay quay lai vu tien mai tang phi")
    assert returns_to_earlier("hồi nãy em hỏi cái kia, giờ hỏi tiếp")
    # returning to work is no return cue, nor a cue deep inside a story
    assert not returns_to_earlier("em nghỉ việc 3 tháng giờ có công ty gọi quay lại làm")
    assert not returns_to_earlier("lệ phí bao nhiêu")


def test_earlier_procedures_most_recent_first_offers_included_each_once() -> None:
    tracker = DialogueStateTracker("s", ["procedure", "previous_procedure", "offered_procedures"])
    for event in (
        user_uttered("a", {}),
        slot_set("procedure", "work_permit_issue"),
        slot_set("procedure", None),
        slot_set("previous_procedure", "work_permit_issue"),
        slot_set("offered_procedures", ["monthly_social_allowance", "social_pension"]),
        slot_set("procedure", "maternity_benefit"),
    ):
        tracker.update(event)
    assert earlier_procedures(tracker) == [
        "maternity_benefit", "monthly_social_allowance", "social_pension", "work_permit_issue",
    ]
