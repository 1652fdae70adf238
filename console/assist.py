"""Agent assist: what a caller asks → up to three answers to read aloud or paste, best first.

Built on the bot's own understanding and renderers, so staff and citizens get the same answer:
the interpreter parses the text, ``bot.slots.resolve_procedure`` reads it with the conversation's
context (the procedure in context, offered procedures), the procedure classifier's probabilities
and the resolver's ranking say which procedures it may be about, the intent ranking which aspect;
``actions.render`` writes the answer (a question-level fact when one is asked, as in the chat).

Each candidate (procedure × aspect) gets a raw score — P(aspect) × P(procedure) — that a
calibration fitted on a labelled set (``console.calibration``) turns into the probability that the
suggestion is right. Below ``min_confidence`` the result is "unsure" with the closest procedures
to look at instead; a real procedure the catalogue does not hold is always "unsure".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from actions.facts import FactIndex
from actions.procedure import _asked_fact as asked_fact  # the chat's own choice of a question-level fact
from actions.render import fact_intent, render_aspect, render_fact
from actions.sdk import Tracker
from bot.slots import ASPECT_INTENTS, NOT_IN_CATALOGUE, resolve_procedure
from bot.tracker import DialogueStateTracker
from knowledge.catalogue import ProcedureCatalogue
from knowledge.schemas import Fact, ProcedureRecord
from nlu.components.procedure_classifier import NONE, ProcedureClassifier
from nlu.interpreter import Interpreter

__all__ = ["Calibrator", "Candidate", "Suggester", "Suggestion", "SuggestionResult"]

ANSWER_LIMIT = 100_000  # one text per suggestion: the console shows it whole
PROCEDURES_CONSIDERED = 3
ASPECTS_CONSIDERED = 2
CONTEXT_KEPT = ("context", "switched", "resolved")
MIN_CLOSEST_SCORE = 0.2  # as the chat's own "có thể liên quan các thủ tục sau" list (actions.procedure)


class Calibrator(Protocol):
    def probability(self, raw: float) -> float: ...


class TrackerSource(Protocol):
    def retrieve(self, sender_id: str) -> DialogueStateTracker: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of the question, before it is rendered: for ranking and for calibration."""

    procedure: str
    aspect: str
    raw: float
    p_procedure: float = 0.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    procedure: str
    procedure_name: str
    aspect: str
    confidence: float
    sources: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "procedure": self.procedure,
            "procedure_name": self.procedure_name,
            "aspect": self.aspect,
            "confidence": round(self.confidence, 3),
            "sources": self.sources,
        }


@dataclass(slots=True)
class SuggestionResult:
    suggestions: list[Suggestion] = field(default_factory=list)
    unsure: bool = True
    reason: str | None = None  # why unsure: low_confidence | not_in_catalogue | no_question
    closest: list[dict[str, Any]] = field(default_factory=list)
    not_held: dict[str, Any] | None = None
    context_procedure: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "suggestions": [s.as_json() for s in self.suggestions],
            "unsure": self.unsure,
            "reason": self.reason,
            "closest": self.closest,
            "not_held": self.not_held,
            "context_procedure": self.context_procedure,
        }


class Suggester:
    def __init__(
        self,
        *,
        interpreter: Interpreter,
        catalogue: ProcedureCatalogue,
        trackers: TrackerSource,
        slot_names: list[str],
        facts: FactIndex | None = None,
        min_confidence: float = 0.5,
        max_suggestions: int = 3,
    ) -> None:
        self._interpreter = interpreter
        self._catalogue = catalogue
        self._trackers = trackers
        self._slot_names = slot_names
        self._facts = facts or FactIndex(catalogue)
        self._classifier = next(
            (c for c in interpreter.components if isinstance(c, ProcedureClassifier)), None
        )
        self.min_confidence = min_confidence
        self.max_suggestions = max_suggestions
        self.calibrator: Calibrator | None = None

    # Reading the question ------------------------------------------------------------------------
    def tracker_for(self, conversation_id: str | None) -> DialogueStateTracker:
        if conversation_id:
            return self._trackers.retrieve(conversation_id)
        return DialogueStateTracker("agent-assist", self._slot_names)

    def candidates(self, text: str, tracker: DialogueStateTracker) -> tuple[list[Candidate], dict[str, Any]]:
        """Readings ranked by raw score, and the parse they came from (with its resolution)."""
        parse = self._interpreter.parse(text).as_parse_result()
        parse["text"] = text
        resolution = resolve_procedure(parse, tracker, self._interpreter)
        parse["procedure_resolution"] = resolution
        if resolution.get("status") == NOT_IN_CATALOGUE:
            return [], parse
        procedures = self._procedure_scores(text, parse, resolution)
        aspects = sorted(
            (
                (str(i["name"]), float(i["confidence"]))
                for i in parse.get("intent_ranking") or []
                if i.get("name") in ASPECT_INTENTS
            ),
            key=lambda pair: -pair[1],
        )[:ASPECTS_CONSIDERED]
        found: list[Candidate] = []
        for code, p_procedure in procedures[:PROCEDURES_CONSIDERED]:
            for aspect, p_aspect in aspects:
                found.append(Candidate(code, aspect, p_procedure * p_aspect, p_procedure))
        found.sort(key=lambda c: -c.raw)
        return found, parse

    def _procedure_scores(
        self, text: str, parse: dict[str, Any], resolution: dict[str, Any]
    ) -> list[tuple[str, float]]:
        """P(procedure) per catalogue code: the classifier's probability, the resolver's score, and for
        the procedure the dialogue settled on (named, or kept from context) its own evidence."""
        probs = self._classifier.probabilities(text) if self._classifier else {}
        scores: dict[str, float] = {}
        for code, p in probs.items():
            if not code.startswith("__"):
                scores[code] = p
        for candidate in parse.get("procedure_ranking") or []:
            code = str(candidate["code"])
            scores[code] = max(scores.get(code, 0.0), float(candidate.get("score") or 0.0))
        for candidate in resolution.get("candidates") or []:  # "which one?": each close reading
            code = str(candidate["code"])
            scores[code] = max(scores.get(code, 0.0), float(candidate.get("score") or 0.0))
        settled = resolution.get("code")
        if settled and resolution.get("status") in CONTEXT_KEPT:
            mention = next((e for e in parse.get("entities") or [] if e.get("entity") == "procedure"), None)
            evidence = float(mention["confidence"]) if mention and mention.get("value") == settled else 0.0
            if resolution.get("status") == "context":
                # A follow-up naming no procedure ("thế lệ phí?") is about the one in context.
                # Certain when the resolver saw no other procedure it would offer ("ý anh/chị là ...?").
                resolver = self._interpreter.resolver
                offer = resolver.offer_score if resolver else 1.0
                rivals = [c for c in parse.get("procedure_ranking") or [] if c["code"] != settled]
                named_another = any(float(c.get("score") or 0.0) >= offer for c in rivals)
                evidence = max(evidence, probs.get(NONE, 0.0) + probs.get(settled, 0.0), 0.0 if named_another else 1.0)
            scores[settled] = max(scores.get(settled, 0.0), evidence)
        known = [(code, min(score, 1.0)) for code, score in scores.items() if self._catalogue.get(code)]
        known.sort(key=lambda pair: -pair[1])
        return known

    # Answering -----------------------------------------------------------------------------------
    def suggest(self, text: str, conversation_id: str | None = None) -> SuggestionResult:
        tracker = self.tracker_for(conversation_id)
        candidates, parse = self.candidates(text, tracker)
        resolution = parse.get("procedure_resolution") or {}
        result = SuggestionResult(context_procedure=tracker.get_slot("procedure"))
        if resolution.get("status") == NOT_IN_CATALOGUE:
            not_held = parse.get("procedure_not_held") or {}
            result.reason = NOT_IN_CATALOGUE
            result.not_held = {
                "name": not_held.get("name"),
                "mention": resolution.get("mention"),
                "note": resolution.get("note"),
            }
            return result
        scored = [(self.confidence(c.raw), c) for c in candidates]
        kept = [(p, c) for p, c in scored if p >= self.min_confidence][: self.max_suggestions]
        for p, candidate in kept:
            record = self._catalogue.get(candidate.procedure)
            if record is not None:
                result.suggestions.append(self._render(record, candidate, p, parse))
        result.unsure = not result.suggestions
        if result.unsure:
            result.reason = "low_confidence" if candidates else "no_question"
            result.closest = self._closest(candidates, parse)
        return result

    def confidence(self, raw: float) -> float:
        return self.calibrator.probability(raw) if self.calibrator else raw

    def _render(
        self, record: ProcedureRecord, candidate: Candidate, confidence: float, parse: dict[str, Any]
    ) -> Suggestion:
        # The fact the chat would answer with for this aspect (any aspect's, for a yes/no main question).
        fact = asked_fact(self._facts, record.code, Tracker({"latest_message": parse}), candidate.aspect)
        if fact is not None:
            parts = render_fact(record, fact, limit=ANSWER_LIMIT)
        else:
            parts = render_aspect(record, candidate.aspect, limit=ANSWER_LIMIT)
        return Suggestion(
            text="\n\n".join(parts),
            procedure=record.code,
            procedure_name=record.name,
            aspect=fact_intent(fact) if fact else candidate.aspect,
            confidence=confidence,
            sources=sources_of(record, fact),
        )

    def _closest(self, candidates: list[Candidate], parse: dict[str, Any]) -> list[dict[str, Any]]:
        """Procedures worth a look when unsure: the ones the question may well be about, not any."""
        codes: list[str] = []
        for candidate in candidates:
            if candidate.procedure not in codes and candidate.p_procedure >= MIN_CLOSEST_SCORE:
                codes.append(candidate.procedure)
        for ranked in parse.get("procedure_ranking") or []:
            if ranked["code"] not in codes and float(ranked.get("score") or 0.0) >= MIN_CLOSEST_SCORE:
                codes.append(str(ranked["code"]))
        closest = []
        for code in codes[:PROCEDURES_CONSIDERED]:
            record = self._catalogue.get(code)
            if record is not None:
                closest.append({"code": record.code, "name": record.name, "url": record.url})
        return closest


def sources_of(record: ProcedureRecord, fact: Fact | None) -> list[dict[str, Any]]:
    """Where the answer comes from: the catalogue entry (link, checked date) and each legal text, with
    the article a question-level fact cites."""
    sources: list[dict[str, Any]] = [
        {
            "kind": "catalogue",
            "code": record.code,
            "national_code": record.national_code,
            "name": record.name,
            "url": record.url,
            "checked_on": record.checked_on.isoformat(),
        }
    ]
    for basis in record.legal_basis:
        article = fact.basis if fact and fact.basis and basis.number in fact.basis else None
        sources.append(
            {
                "kind": "legal_basis",
                "number": basis.number,
                "title": basis.title,
                "date": basis.date.isoformat() if basis.date else None,
                "article": article,
            }
        )
    if fact is not None and fact.basis and not any(s.get("article") for s in sources):
        sources.append(
            {"kind": "legal_basis", "number": None, "title": None, "date": None, "article": fact.basis}
        )
    return sources
