"""Figures for the supervisor view: the queue now, waits, handoffs per agent, and per day the
fallback rate and the questions the bot could not answer.

Turns are read through the tracker store's public API (``senders`` and ``retrieve``); a turn failed
when one of the handoff policy's failure actions ran after it (``FAILED_ACTIONS``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.tracker import DialogueStateTracker
from console.handoff_policy import FAILED_ACTIONS
from console.handoff_store import HandoffState, HandoffStore
from nlu.normalize import fold

__all__ = ["supervisor_stats"]

TOP_QUESTIONS = 10


class ConversationSource(Protocol):
    def retrieve(self, sender_id: str) -> DialogueStateTracker: ...

    def senders(self) -> list[str]: ...


def _day(moment: float, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(moment, zone).date().isoformat()


def _turns(tracker: DialogueStateTracker, since: float) -> list[tuple[float, str, bool]]:
    """(time, text, failed?) of each typed user turn since ``since``."""
    out: list[tuple[float, str, bool]] = []
    current: list[Any] | None = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            text = str(event.get("text") or "")
            current = [float(event.get("timestamp") or 0.0), text, False]
            if current[0] >= since and text and not text.startswith("/"):
                out.append(current)  # type: ignore[arg-type]
        elif kind == "action" and current is not None and event.get("name") in FAILED_ACTIONS:
            current[2] = True
    return [(t, text, failed) for t, text, failed in out]


def supervisor_stats(
    *,
    handoffs: HandoffStore,
    conversations: ConversationSource,
    staff_names: dict[int, str],
    days: int = 14,
    timezone: str = "Asia/Ho_Chi_Minh",
    now: float | None = None,
) -> dict[str, Any]:
    now = time.time() if now is None else now
    zone = ZoneInfo(timezone)
    since = now - days * 86400
    day_keys = [_day(now - (days - 1 - i) * 86400, zone) for i in range(days)]
    recent = handoffs.since(since)
    queued = [h for h in handoffs.open_handoffs() if h.state == HandoffState.QUEUED]
    per_agent = Counter(
        staff_names.get(h.staff_id, str(h.staff_id)) for h in recent if h.staff_id is not None
    )
    waits: dict[str, list[float]] = {d: [] for d in day_keys}
    handed: Counter[str] = Counter()
    for h in recent:
        handed[_day(h.queued_at, zone)] += 1
        if h.taken_at is not None:
            waits.setdefault(_day(h.queued_at, zone), []).append(h.taken_at - h.queued_at)
    turns: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    unanswered: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for sender in conversations.senders():
        for moment, text, bad in _turns(conversations.retrieve(sender), since):
            day = _day(moment, zone)
            turns[day] += 1
            if bad:
                failed[day] += 1
                key = " ".join(fold(text).lower().split())[:200]
                unanswered[key] += 1
                examples.setdefault(key, text[:200])
    return {
        "queue_length": len(queued),
        "waiting_seconds": sorted((round(now - h.queued_at, 1) for h in queued), reverse=True),
        "per_agent": [{"agent": name, "conversations": count} for name, count in per_agent.most_common()],
        "days": [
            {
                "day": day,
                "turns": turns[day],
                "fallback_rate": round(failed[day] / turns[day], 4) if turns[day] else 0.0,
                "handoffs": handed[day],
                "median_wait_seconds": round(statistics.median(waits[day]), 1) if waits.get(day) else None,
            }
            for day in day_keys
        ],
        "top_unanswered": [
            {"question": examples[key], "count": count}
            for key, count in unanswered.most_common(TOP_QUESTIONS)
        ],
    }
