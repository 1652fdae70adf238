"""The supervisor's figures: queue, waits, handoffs per agent, fallback rate, unanswered questions."""

from __future__ import annotations

import asyncio
import uuid

from bot.messages import UserMessage
from bot.service import Service
from console.stats import supervisor_stats


def test_failed_turns_and_handoffs_show_in_the_figures(open_service: Service) -> None:
    user = f"rest-stats-{uuid.uuid4().hex[:8]}"
    gibberish = f"qwrt zxcv {uuid.uuid4().hex[:6]}"
    for text in ("hồ sơ hưởng trợ cấp thất nghiệp gồm những gì", gibberish, "cho tôi gặp tổng đài viên"):
        asyncio.run(open_service.agent.handle(UserMessage(text, user)))
    handoffs = open_service.handoff.store  # type: ignore[union-attr]
    handoff = handoffs.open_for(user)
    assert handoff is not None
    handoffs.take(handoff.id, staff_id=424242)
    stats = supervisor_stats(
        handoffs=handoffs,
        conversations=open_service.agent.store,  # type: ignore[arg-type]
        staff_names={424242: "Lan"},
    )
    today = stats["days"][-1]
    assert today["turns"] >= 3 and 0 < today["fallback_rate"] < 1 and today["handoffs"] >= 1
    assert today["median_wait_seconds"] is not None
    assert {"agent": "Lan", "conversations": 1} in stats["per_agent"]
    assert (
        any(q["question"] == gibberish for q in stats["top_unanswered"]) or len(stats["top_unanswered"]) == 10
    )
