"""Filling slots from a parsed message, and deciding which procedure the user means.

The procedure follows the conversation: a procedure named in the message replaces the one in
context; a partial mention is read together with the context ("còn gia hạn thì sao" after work
permits → the extension procedure); an unrecognised subject ("đăng ký kết hôn") is reported as
``unknown`` so the bot never answers it with the procedure still in context.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Domain
from bot.events import Event, slot_set
from bot.tracker import DialogueStateTracker
from nlu.interpreter import Interpreter

__all__ = ["ASPECT_INTENTS", "extract_slots", "resolve_procedure"]

ASPECT_INTENTS = frozenset(
    {
        "ask_documents", "ask_fee", "ask_benefit", "ask_processing_time", "ask_where_to_submit",
        "ask_eligibility", "ask_procedure_steps", "ask_forms", "ask_legal_basis",
    }
)
MIN_UNKNOWN_TOPIC_SYLLABLES = 2


def resolve_procedure(
    parse: dict[str, Any], tracker: DialogueStateTracker, interpreter: Interpreter
) -> dict[str, Any]:
    """``{"status": resolved|switched|context|ambiguous|unknown|none, "code"?, "candidates"?, "mention"?}``."""
    intent = (parse.get("intent") or {}).get("name")
    current = tracker.get_slot("procedure")
    mentioned = [e for e in parse.get("entities") or [] if e.get("entity") == "procedure"]
    ranking = parse.get("procedure_ranking") or []
    if mentioned:
        code = str(mentioned[0]["value"])
        if parse.get("procedure_ambiguous"):
            top = ranking[0]["score"] if ranking else 0.0
            close = [c for c in ranking if top - c["score"] < _margin(interpreter)]
            if current in {c["code"] for c in close}:
                return {"status": "context", "code": current}
            return {"status": "ambiguous", "candidates": close[:3]}
        return {"status": "switched" if current and current != code else "resolved", "code": code}
    text = str(parse.get("text") or "")
    if current and text and not text.startswith("/"):
        in_context = interpreter.resolve_in_context(text, current)
        if in_context:
            return {"status": "switched", "code": in_context[0].code}
    topic = parse.get("topic_words") or []
    if (intent in ASPECT_INTENTS or intent == "inform") and len(topic) >= MIN_UNKNOWN_TOPIC_SYLLABLES:
        return {"status": "unknown", "mention": parse.get("topic"), "context": current}
    return {"status": "context", "code": current} if current else {"status": "none"}


def _margin(interpreter: Interpreter) -> float:
    resolver = interpreter.resolver
    return resolver.ambiguity_margin if resolver else 0.0


def extract_slots(
    parse: dict[str, Any], resolution: dict[str, Any], tracker: DialogueStateTracker, domain: Domain
) -> list[Event]:
    """Slot events for this message: ``from_entity`` mappings, and the resolved procedure."""
    events: list[Event] = []
    intent = (parse.get("intent") or {}).get("name")
    for mapping in domain.slot_mappings():
        if mapping.type != "from_entity" or mapping.slot == "procedure":
            continue
        if mapping.intent and intent not in mapping.intent:
            continue
        values = [e["value"] for e in parse.get("entities") or [] if e.get("entity") == mapping.entity]
        if values and tracker.get_slot(mapping.slot) != values[0]:
            events.append(slot_set(mapping.slot, values[0]))
    code = resolution.get("code")
    if resolution.get("status") in ("resolved", "switched") and code != tracker.get_slot("procedure"):
        events.append(slot_set("procedure", code))
    return events
