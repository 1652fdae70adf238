"""A trained pipeline: train it, save it, load it, parse text with it.

Models are stored under ``<model dir>/<fingerprint>/`` where the fingerprint hashes the training
data, the catalogue, the abbreviations and the pipeline config: an unchanged project loads its
model instead of retraining.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from nlu.components.base import CatalogueEntry, Component, TrainingContext
from nlu.components.procedure_classifier import ProcedureClassifier
from nlu.components.procedure_resolver import ProcedureResolver
from nlu.message import Entity, IntentScore, Message, ProcedureCandidate
from nlu.normalize import Abbreviations
from nlu.parallel_training import train_components
from nlu.registry import build_component
from nlu.tokenize import segmentation_memo
from nlu.training_data import TrainingData

__all__ = ["MODEL_FORMAT", "Interpreter", "fingerprint"]

MODEL_FORMAT = "dvcbot-nlu-1"
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w.-]*)(?P<entities>\{.*\})?\s*$", re.DOTALL)


_NLU_SOURCES = sorted(Path(__file__).resolve().parent.rglob("*.py"))


def fingerprint(pipeline: list[dict[str, Any]], files: list[Path], catalogue: list[CatalogueEntry]) -> str:
    """Changes when the data, the catalogue, the pipeline config or the NLU code changes."""
    digest = hashlib.sha256(MODEL_FORMAT.encode())
    for source in _NLU_SOURCES:
        digest.update(source.read_bytes())
    digest.update(json.dumps(pipeline, sort_keys=True, ensure_ascii=False).encode())
    for path in sorted(files):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    for entry in sorted(catalogue, key=lambda e: e.code):
        digest.update(repr(entry).encode())
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Interpreter:
    components: list[Component]
    fingerprint: str
    trained_seconds: float = 0.0

    @classmethod
    def train(
        cls,
        pipeline: list[dict[str, Any]],
        data: TrainingData,
        *,
        abbreviations: Abbreviations,
        catalogue: list[CatalogueEntry],
        model_fingerprint: str,
        others: list[CatalogueEntry] | None = None,
        questions: list[tuple[str, str]] | None = None,
        project_data: bool = True,
    ) -> Interpreter:
        started = time.perf_counter()
        components = [build_component(spec) for spec in pipeline]
        abbreviations = abbreviations.learned(_own_text(data, catalogue, questions or []))
        context = TrainingContext(
            abbreviations=abbreviations, catalogue=catalogue, others=others or [], questions=questions or [],
            project_data=project_data,
        )
        # Components segment the same examples: once each. One BLAS thread: the solvers' matrices
        # are small enough that a second thread only waits (bench/nlu.py: 37 → 25 s on two cores,
        # one after the other), and the core is better spent on a step training apart.
        with segmentation_memo(), threadpool_limits(limits=1):
            components = train_components(components, data, context)
        return cls(components, model_fingerprint, time.perf_counter() - started)

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "pipeline.pkl"
        partial = directory / "pipeline.pkl.tmp"
        with partial.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(target)
        meta = {"format": MODEL_FORMAT, "fingerprint": self.fingerprint, "trained_seconds": self.trained_seconds}
        (directory / "metadata.json").write_text(json.dumps(meta, indent=2))
        return target

    @classmethod
    def load(cls, directory: Path) -> Interpreter:
        meta = json.loads((directory / "metadata.json").read_text())
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{directory}: model format {meta.get('format')!r}, expected {MODEL_FORMAT!r}")
        with (directory / "pipeline.pkl").open("rb") as handle:
            interpreter = pickle.load(handle)  # our own artefact, written by save()
        if not isinstance(interpreter, cls):
            raise TypeError(f"{directory}: not a dvcbot model")
        return interpreter

    # Parsing ---------------------------------------------------------------------------------
    def parse(self, text: str) -> Message:
        payload = _PAYLOAD.match(text.strip())
        if payload:
            return self._parse_payload(text, payload)
        message = Message(text=text)
        for component in self.components:
            component.process(message)
        if message.intent is None:
            message.intent = IntentScore("out_of_scope", 0.0)
        message.entities.sort(key=lambda e: e.start)
        return message

    def _parse_payload(self, text: str, payload: re.Match[str]) -> Message:
        """Button payloads in Rasa's form: ``/ask_fee{"procedure": "work_permit_issue"}``."""
        message = Message(text=text, original=text, normalized=text, folded=text)
        message.intent = IntentScore(payload.group("intent"), 1.0)
        message.intent_ranking = [message.intent]
        raw = payload.group("entities")
        if raw:
            try:
                values = json.loads(raw)
            except json.JSONDecodeError:
                values = {}
            if isinstance(values, dict):
                for key, value in values.items():
                    message.entities.append(Entity(str(key), str(value), 0, len(text), 1.0, "payload"))
        return message

    @property
    def resolver(self) -> ProcedureResolver | None:
        for component in self.components:
            if isinstance(component, ProcedureResolver):
                return component
        return None

    @property
    def procedure_classifier(self) -> ProcedureClassifier | None:
        for component in self.components:
            if isinstance(component, ProcedureClassifier):
                return component
        return None

    def switch_probability(self) -> float:
        """How sure the procedure classifier must be to move a conversation off the procedure in
        context (1.0 without a classifier: never on its word alone)."""
        classifier = self.procedure_classifier
        return classifier.context_switch_probability if classifier else 1.0

    def sibling_switch_probability(self) -> float:
        """How sure the procedure classifier must be to move to a sibling retrieval ranked too."""
        classifier = self.procedure_classifier
        return classifier.switch_probability if classifier else 1.0

    def reads_as(self, text: str, code: str) -> float:
        """How likely the procedure classifier reads the whole of ``text`` as procedure ``code``
        (0.0 without a classifier)."""
        classifier = self.procedure_classifier
        return classifier.probabilities(text).get(code, 0.0) if classifier else 0.0

    def readings_in_context(self, text: str, context_code: str) -> dict[str, float]:
        """The procedure classifier's reading of a follow-up written after the name of the procedure
        in context ("Giải quyết hưởng trợ cấp thất nghiệp. đang lãnh mà có chỗ làm mới thì sao"):
        the follow-up's own words decide among the context's siblings. Empty without a classifier."""
        classifier = self.procedure_classifier
        return classifier.probabilities(f"{self.procedure_name(context_code)}. {text}") if classifier else {}

    def resolve_in_context(self, text: str, context_code: str) -> list[ProcedureCandidate]:
        """Candidates for a partial mention read with the procedure under discussion
        ("còn gia hạn thì sao" after work permits → the extension procedure)."""
        resolver = self.resolver
        if resolver is None:
            return []
        return [c for c in resolver.candidates(text, context_code) if c.score >= resolver.min_score]

    def procedure_name(self, code: str) -> str:
        resolver = self.resolver
        return resolver.index.names.get(code, code) if resolver else code


def _own_text(
    data: TrainingData, catalogue: list[CatalogueEntry], questions: list[tuple[str, str]]
) -> Iterator[str]:
    """The text whose words teach which reading an ambiguous abbreviation has where."""
    yield from (example.text for example in data.examples)
    yield from (text for text, _ in questions)
    for entry in catalogue:
        yield from (entry.name, *entry.aliases, *entry.situations, *entry.details)
