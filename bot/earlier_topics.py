"""Earlier topics of a conversation: going back to a procedure it left ("quay lại vụ tiền mai táng,
hồ sơ cần gì"), and staying on one it just declined ("làm hộ chiếu" → declined → "phí bao nhiêu").

A message that opens with a return cue ("quay lại", "trở lại", "lúc nãy", "hồi nãy") means one of
the procedures discussed or offered earlier in this conversation, not whatever its words match
best in the whole catalogue ("quay lại" reads as "tiếp tục hưởng" there). The earlier ones are read
from the conversation's own events, most recent first; the message's words choose among them.
"""

from __future__ import annotations

from typing import Any

from bot.tracker import DialogueStateTracker
from nlu.components.procedure_resolver import EXPLAINED_MARGIN
from nlu.interpreter import Interpreter
from nlu.normalize import fold
from nlu.tokenize import syllables

__all__ = ["earlier_procedures", "just_declined", "pick_earlier", "returns_to_earlier"]

_CUES = ("quay lai", "tro lai", "luc nay", "hoi nay", "ban nay", "luc dau", "vu truoc", "cai truoc")
_CUE_WITHIN = 4  # a discourse marker opens the message: "thôi quay lại, …", "vậy quay lại vụ …"
_SLOTS = ("procedure", "previous_procedure", "offered_procedures")
_DECLINED = "not_in_catalogue"  # bot.slots.NOT_IN_CATALOGUE


def returns_to_earlier(text: str) -> bool:
    """Whether the message opens with a cue for an earlier topic ("ừ thôi quay lại, …")."""
    opening = " ".join(syllables(fold(text))[: _CUE_WITHIN + 1])
    return any(f" {cue} " in f" {opening} " for cue in _CUES)


def earlier_procedures(tracker: DialogueStateTracker) -> list[str]:
    """Procedures this conversation discussed or offered, most recent first, each once."""
    seen: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") != "slot" or event.get("name") not in _SLOTS:
            continue
        value = event.get("value")
        for code in value if isinstance(value, list) else [value]:
            if isinstance(code, str) and code and code not in seen:
                seen.append(code)
    return seen


def pick_earlier(text: str, earlier: list[str], interpreter: Interpreter) -> list[str]:
    """The earlier procedures the message's words point to: one when they choose, several when they
    fit a few alike ("quay lại trợ cấp" after two allowances were offered), else the most recent."""
    resolver = interpreter.resolver
    if resolver is None:
        return earlier[:1]
    scored = [c for c in resolver.ranked(text, limit=20) if c.code in earlier]
    if not scored:
        return earlier[:1]
    best = scored[0]
    # Alike as the resolver's own ties are: close in score and in how much of the message they explain.
    return [
        c.code for c in scored
        if best.score - c.score < resolver.ambiguity_margin and best.explained - c.explained < EXPLAINED_MARGIN
    ][:3]


def just_declined(tracker: DialogueStateTracker) -> dict[str, Any] | None:
    """The resolution of the previous message when it was declined as a procedure we do not hold:
    a question that names nothing right after it ("phí bao nhiêu") is about that procedure still."""
    previous = next((e for e in reversed(tracker.events) if e.get("event") == "user"), None)
    resolution = ((previous or {}).get("parse_data") or {}).get("procedure_resolution") or {}
    return resolution if resolution.get("status") == _DECLINED else None
