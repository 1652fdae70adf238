"""The state of one utterance as it passes through the NLU pipeline, and the Rasa parse shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Entity", "IntentScore", "Message", "ProcedureCandidate"]


@dataclass(frozen=True, slots=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int
    confidence: float
    extractor: str
    role: str | None = None  # Rasa entity roles and groups: "từ Hà Nội về Nghệ An" → province from / to
    group: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Rasa's entity shape; ``role`` and ``group`` appear only when the entity has them."""
        out: dict[str, Any] = {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 4),
            "extractor": self.extractor,
        }
        if self.role is not None:
            out["role"] = self.role
        if self.group is not None:
            out["group"] = self.group
        return out


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True, slots=True)
class ProcedureCandidate:
    code: str
    name: str
    score: float
    start: int
    end: int
    explained: float = 0.0  # share of the user's distinctive words this procedure accounts for

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4), "explained": round(self.explained, 4)}


@dataclass(slots=True)
class Message:
    """``text`` is what the user sent; offsets refer to ``original`` (its NFC form)."""

    text: str
    original: str = ""
    normalized: str = ""
    folded: str = ""
    tokens: list[str] = field(default_factory=list)
    intent: IntentScore | None = None
    intent_ranking: list[IntentScore] = field(default_factory=list)
    additional_intents: list[IntentScore] = field(default_factory=list)  # further questions in the text
    entities: list[Entity] = field(default_factory=list)
    procedures: list[ProcedureCandidate] = field(default_factory=list)
    procedure_ambiguous: bool = False
    procedure_tied: list[str] = field(default_factory=list)  # the procedures tied when ambiguous
    procedure_not_held: ProcedureCandidate | None = None  # a real procedure the catalogue does not hold
    not_held_agency: str | None = None
    not_held_note: str | None = None  # where to turn instead
    # The real procedure we do not hold that the message names if it is a follow-up (a lower score
    # than procedure_not_held, the words matched being its subject), with its (agency, note).
    not_held_in_context: ProcedureCandidate | None = None
    not_held_in_context_where: tuple[str, str | None] = ("", None)
    # The real procedure we do not hold whose matched words hold every word of the message's subject,
    # from the resolver's offer score: "visa thì xin ở đâu" names a visa, one word of its name.
    not_held_topic: ProcedureCandidate | None = None
    not_held_topic_where: tuple[str, str | None] = ("", None)
    topic_words: list[str] = field(default_factory=list)
    topic_span: tuple[int, int] | None = None

    def _not_held(self) -> dict[str, Any] | None:
        """The real procedure we do not hold that the message is about, with the user's own words
        for it ("kết hôn" in "cho hỏi đăng ký kết hôn cần gì")."""
        return self._described(self.procedure_not_held, self.not_held_agency, self.not_held_note)

    def _described(
        self, other: ProcedureCandidate | None, agency: str | None, note: str | None
    ) -> dict[str, Any] | None:
        if other is None:
            return None
        return {
            "name": other.name, "score": round(other.score, 4), "explained": round(other.explained, 4),
            "mention": self.original[other.start : other.end] if other.end > other.start else None,
            "agency": agency or None,
            "note": note,
        }

    def as_parse_result(self) -> dict[str, Any]:
        """The ``/model/parse`` shape, plus dvcbot's ranked procedure candidates."""
        intent = self.intent or IntentScore("out_of_scope", 0.0)
        return {
            "text": self.text,
            "intent": intent.as_dict(),
            "intent_ranking": [score.as_dict() for score in self.intent_ranking],
            "additional_intents": [score.as_dict() for score in self.additional_intents],
            "entities": [entity.as_dict() for entity in self.entities],
            "procedure_ranking": [candidate.as_dict() for candidate in self.procedures],
            "procedure_ambiguous": self.procedure_ambiguous,
            # A tie of retrieval that the procedure classifier settled reading the message alone.
            "procedure_tie_settled": [] if self.procedure_ambiguous else list(self.procedure_tied or []),
            "procedure_not_held": self._not_held(),
            "procedure_not_held_in_context": self._described(self.not_held_in_context, *self.not_held_in_context_where),
            "procedure_not_held_topic": self._described(self.not_held_topic, *self.not_held_topic_where),
            "topic_words": self.topic_words,
            "topic": self.original[self.topic_span[0] : self.topic_span[1]] if self.topic_span else None,
        }
