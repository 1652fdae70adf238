"""End-to-end conversation tests: ``dvcbot test conversations FILE.yml``.

A test set is a YAML file close to Rasa's test stories, but each user turn says what a right
*reply* must contain — the text a citizen reads is graded, not the intent label::

    conversations:
      - conversation: nghỉ việc rồi hỏi lệ phí
        steps:
          - user: "cho hoi lam that nghiep o dau"
            expect: {procedure: unemployment_benefit, aspect: where_to_submit}
          - user: "the con le phi"
            expect: {procedure: unemployment_benefit, aspect: fee}
          - user: "dang ky ket hon can gi"
            expect: {decline: not_in_catalogue}
          - user: "cam on e"
            expect: {smalltalk: thank}

``expect`` holds one kind, optionally with ``mentions`` (strings every right reply contains;
alternatives separated by ``|``; compared without diacritics):

- ``procedure: CODE`` (+ ``aspect``: one of ``ASPECT_NAMES`` or a list of them): the reply answers
  about that procedure — it names it, and no other — and, with an aspect, answers that aspect
  (its section, or a question-level fact of that aspect).
- ``decline: not_in_catalogue``: an honest decline — no catalogue procedure answered, the reply
  says it is not in the catalogue and points to the national portal.
- ``smalltalk: KIND`` (greet, thank, goodbye, bot_challenge, request_human, complain,
  out_of_scope): the domain's response for it.
- ``dossier: ask_code``: the bot asks for the dossier code.

Every conversation runs from a fresh sender id through ``Agent.handle``, the path every channel
takes. A turn is "without diacritics" when its text carries no Vietnamese diacritic at all.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.render import ASPECT_HEADINGS, DECLINE_MARKERS
from bot.agent import Agent
from bot.domain import Domain
from bot.messages import BotMessage, UserMessage
from knowledge.catalogue import ProcedureCatalogue
from nlu.normalize import fold

__all__ = [
    "ASPECT_NAMES",
    "Conversation",
    "ConversationTestError",
    "Expectation",
    "Step",
    "TurnResult",
    "grade",
    "load_conversations",
    "report",
    "run_conversations",
]

# Aspect names in test files → the intent whose answer holds it.
ASPECT_NAMES = {
    "documents": "ask_documents",
    "fee": "ask_fee",
    "benefit": "ask_benefit",
    "processing_time": "ask_processing_time",
    "where_to_submit": "ask_where_to_submit",
    "eligibility": "ask_eligibility",
    "steps": "ask_procedure_steps",
    "forms": "ask_forms",
    "legal_basis": "ask_legal_basis",
}
SMALLTALK_RESPONSES = {
    "greet": "utter_greet",
    "thank": "utter_thank",
    "goodbye": "utter_goodbye",
    "bot_challenge": "utter_bot_challenge",
    "request_human": "utter_request_human",
    "complain": "utter_complain",
    "out_of_scope": "utter_out_of_scope",
}
KINDS = ("procedure", "decline", "smalltalk", "dossier")
# Asking for a person is answered by the handoff to the console's queue where the console is on.
HANDOFF_MARKERS = ("hàng chờ", "chuyển cuộc trò chuyện tới cán bộ")  # out of office hours, and in them
# The name ends at the quote before ":" or ","; a name may hold quotes of its own (Bằng "Tổ quốc ghi công").
_HEADER = re.compile(r"về thủ tục \"(.+?)\"(?=[:,])")
_DIACRITIC_LETTERS = re.compile(r"[đĐ]")


class ConversationTestError(ValueError):
    """The test file is not in the documented format."""


@dataclass(frozen=True, slots=True)
class Expectation:
    kind: str  # one of KINDS
    value: str  # procedure code, decline kind, smalltalk kind or dossier step
    aspects: tuple[str, ...] = ()  # intents (ask_*), any of which answers the question
    mentions: tuple[tuple[str, ...], ...] = ()  # every group must appear; one of its alternatives


@dataclass(frozen=True, slots=True)
class Step:
    user: str
    expect: Expectation


@dataclass(frozen=True, slots=True)
class Conversation:
    name: str
    steps: tuple[Step, ...]
    source: str = ""


@dataclass(slots=True)
class TurnResult:
    conversation: str
    turn: int
    user: str
    expect: Expectation
    reply: str
    right: bool
    reason: str
    group: str  # a field code, or "decline", "smalltalk", "dossier"
    diacritics: bool
    answered_procedures: list[str] = field(default_factory=list)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark: "lệ phí" yes, "le phi" no."""
    return fold(text) != text.lower() or bool(_DIACRITIC_LETTERS.search(text))


def load_conversations(path: Path) -> list[Conversation]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConversationTestError(f"{path}: not valid YAML: {error}") from error
    items = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConversationTestError(f"{path}: expected a top-level 'conversations:' list")
    conversations = []
    for number, item in enumerate(items, start=1):
        name = str(item.get("conversation") or f"#{number}")
        steps = item.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ConversationTestError(f"{path}: conversation {name!r} has no steps")
        parsed = []
        for index, step in enumerate(steps, start=1):
            if not isinstance(step, dict) or not isinstance(step.get("user"), str):
                raise ConversationTestError(f"{path}: {name!r} step {index}: needs a 'user' string")
            parsed.append(Step(step["user"], _expectation(step.get("expect"), f"{path}: {name!r} step {index}")))
        conversations.append(Conversation(name, tuple(parsed), path.name))
    return conversations


def _expectation(raw: Any, where: str) -> Expectation:
    if not isinstance(raw, dict):
        raise ConversationTestError(f"{where}: 'expect' must be a mapping")
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        raise ConversationTestError(f"{where}: 'expect' needs exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    aspects_raw = raw.get("aspect") or []
    aspects_list = [aspects_raw] if isinstance(aspects_raw, str) else list(aspects_raw)
    unknown = [a for a in aspects_list if a not in ASPECT_NAMES]
    if unknown:
        raise ConversationTestError(f"{where}: unknown aspect {unknown[0]!r} (one of {', '.join(ASPECT_NAMES)})")
    if kind == "smalltalk" and raw[kind] not in SMALLTALK_RESPONSES:
        raise ConversationTestError(f"{where}: unknown smalltalk {raw[kind]!r}")
    mentions = tuple(tuple(fold(part.strip()) for part in str(m).split("|")) for m in raw.get("mentions") or [])
    return Expectation(kind, str(raw[kind]), tuple(ASPECT_NAMES[a] for a in aspects_list), mentions)


# Grading -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Grader:
    """What a right reply looks like, read from the catalogue and the domain."""

    names: dict[str, str]  # procedure code → the name the answers quote
    responses: dict[str, str]  # response name → the opening of its text

    @classmethod
    def build(cls, catalogue: ProcedureCatalogue, domain: Domain, variables: dict[str, str]) -> Grader:
        names = {record.code: record.name for record in catalogue.all()}
        responses = {}
        for response in [*SMALLTALK_RESPONSES.values(), "utter_ask_dossier_code"]:
            template = domain.response(response, **variables) or {}
            responses[response] = str(template.get("text") or "")[:40]
        return cls(names, responses)


def grade(expect: Expectation, replies: list[BotMessage], grader: Grader) -> tuple[bool, str, list[str]]:
    """(right?, why not, the procedures the reply answers about)."""
    text = "\n".join(r.text or "" for r in replies)
    by_name = {name: code for code, name in grader.names.items()}
    answered = [by_name.get(name, name) for name in _HEADER.findall(text)]
    answered = list(dict.fromkeys(answered))
    folded = fold(text)
    missing = [group for group in expect.mentions if not any(alt in folded for alt in group)]
    if missing:
        return False, f"does not mention {' | '.join(missing[0])!r}", answered
    if expect.kind == "procedure":
        if not answered:
            return False, "no procedure answered", answered
        if answered != [expect.value]:
            return False, f"answered {', '.join(answered)}", answered
        if expect.aspects and not any(_answers_aspect(text, aspect) for aspect in expect.aspects):
            return False, "right procedure, not the aspect asked", answered
        return True, "", answered
    if expect.kind == "decline":
        if answered:
            return False, f"answered {', '.join(answered)} instead of declining", answered
        if not any(marker in folded for marker in DECLINE_MARKERS):
            return False, "no honest 'not in the catalogue' reply", answered
        return True, "", answered
    if expect.kind == "smalltalk":
        opening = grader.responses[SMALLTALK_RESPONSES[expect.value]]
        handed_off = expect.value == "request_human" and any(m in text for m in HANDOFF_MARKERS)
        right = opening in text or handed_off
        return (right, "" if right else "not the expected response", answered)
    opening = grader.responses["utter_ask_dossier_code"]
    return (opening in text, "" if opening in text else "did not ask for the dossier code", answered)


def _answers_aspect(text: str, aspect: str) -> bool:
    """A line of the reply opens with one of the aspect's headings ("Phí, lệ phí:"); the source
    footer ("📚 Căn cứ pháp lý: ...") opens with its emoji, so it never counts as an answer."""
    headings = ASPECT_HEADINGS[aspect]
    return any(line.startswith(headings) for line in text.splitlines())


# Running ---------------------------------------------------------------------------------------
async def run_conversations(
    agent: Agent, conversations: list[Conversation], grader: Grader, fields: dict[str, str]
) -> list[TurnResult]:
    """Play every conversation from a fresh sender and grade each reply."""
    results = []
    run_id = uuid.uuid4().hex[:8]
    for number, conversation in enumerate(conversations):
        sender = f"convtest-{run_id}-{number}"
        for turn, step in enumerate(conversation.steps, start=1):
            replies = await agent.handle(UserMessage(text=step.user, sender_id=sender, input_channel="test"))
            right, reason, answered = grade(step.expect, replies, grader)
            expect = step.expect
            group = fields.get(expect.value, "?") if expect.kind == "procedure" else expect.kind
            results.append(
                TurnResult(
                    conversation.name, turn, step.user, expect, "\n".join(r.text or "" for r in replies),
                    right, reason, group, has_diacritics(step.user), answered,
                )
            )
    return results


def _share(results: list[TurnResult]) -> dict[str, Any]:
    right = sum(r.right for r in results)
    return {"right": right, "n": len(results), "share": round(right / len(results), 4) if results else None}


def report(results: list[TurnResult]) -> dict[str, Any]:
    """Shares of right turns: overall, by group (field / decline / smalltalk / dossier), with and
    without diacritics, and how often a decline was answered with one of our procedures instead."""
    by_group: dict[str, list[TurnResult]] = defaultdict(list)
    for result in results:
        by_group[result.group].append(result)
    declines = by_group.get("decline", [])
    wrongly_answered = sum(bool(r.answered_procedures) for r in declines)
    return {
        "overall": _share(results),
        "with_diacritics": _share([r for r in results if r.diacritics]),
        "without_diacritics": _share([r for r in results if not r.diacritics]),
        "declines": {
            **_share(declines),
            "answered_with_a_catalogue_procedure": wrongly_answered,
            "answered_share": round(wrongly_answered / len(declines), 4) if declines else None,
        },
        "by_group": {group: _share(items) for group, items in sorted(by_group.items())},
        "failures": [
            {
                "conversation": r.conversation, "turn": r.turn, "user": r.user, "reason": r.reason,
                "expect": {"kind": r.expect.kind, "value": r.expect.value, "aspects": list(r.expect.aspects)},
                "reply": r.reply[:300],
            }
            for r in results
            if not r.right
        ],
    }
