"""A conditional random field that learns entities from ``[text](entity)`` annotations.

It is what lets dvcbot train on any Rasa NLU data set: the lookup extractor only finds values it
has seen, the CRF generalises from context ("ở [Quảng Trị](province)" teaches that a capitalised
pair after "ở" is likely a province). Tokens are syllables with BIO tags; features are the folded
syllable, its shape, affixes and its neighbours, so it works with or without diacritics.
Entities owned by another extractor (regexes, the procedure resolver) are left out.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any, ClassVar

import pycrfsuite

from nlu.components.base import TrainingContext
from nlu.message import Entity, Message
from nlu.normalize import fold
from nlu.tokenize import SYLLABLE
from nlu.training_data import TrainingData

__all__ = ["CRFEntityExtractor"]

_SKIP = ("procedure", "dossier_code", "id_number", "phone_number")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(0), m.start(), m.end()) for m in SYLLABLE.finditer(text)]


def _shape(token: str) -> str:
    if token.isdigit():
        return "digit"
    if token.isupper():
        return "upper"
    if token[:1].isupper():
        return "title"
    return "lower"


def _features(tokens: list[_Token], lookup: dict[str, str]) -> list[list[str]]:
    folded = [fold(t.text) for t in tokens]
    out = []
    for i, token in enumerate(tokens):
        features = [
            "bias",
            f"w={folded[i]}",
            f"shape={_shape(token.text)}",
            f"suf2={folded[i][-2:]}",
            f"marked={token.text.lower() != folded[i]}",
        ]
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                features.append(f"{offset}:w={folded[j]}")
                features.append(f"{offset}:shape={_shape(tokens[j].text)}")
            else:
                features.append(f"{offset}:pad")
        if i + 1 < len(tokens):
            features.append(f"bi={folded[i]}_{folded[i + 1]}")
            pair = lookup.get(f"{folded[i]} {folded[i + 1]}")
            if pair:
                features.append(f"lookup2={pair}")
        if i > 0:
            pair = lookup.get(f"{folded[i - 1]} {folded[i]}")
            if pair:
                features.append(f"lookup2p={pair}")
        single = lookup.get(folded[i])
        if single:
            features.append(f"lookup1={single}")
        out.append(features)
    return out


class CRFEntityExtractor:
    name: ClassVar[str] = "CRFEntityExtractor"

    def __init__(
        self,
        skip_entities: list[str] | None = None,
        c1: float = 0.05,
        c2: float = 0.05,
        max_iterations: int = 80,
        min_confidence: float = 0.5,
        **options: Any,
    ) -> None:
        self._skip = set(skip_entities if skip_entities is not None else _SKIP)
        self.c1, self.c2, self.max_iterations, self.min_confidence = c1, c2, max_iterations, min_confidence
        self._model: bytes | None = None
        self._lookup: dict[str, str] = {}
        self._synonyms: dict[str, str] = {}
        self._tagger: pycrfsuite.Tagger | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tagger"] = None  # a C object; reopened from the model bytes
        return state

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self._synonyms = {fold(k): v for k, v in data.synonyms.items()}
        for entity, items in data.lookups.items():
            if entity not in self._skip:
                for item in items:
                    self._lookup.setdefault(fold(item).strip(), entity)
        trainer = pycrfsuite.Trainer(verbose=False)
        sequences = 0
        for example in data.examples:
            spans = [s for s in example.entities if s.entity not in self._skip]
            tokens = _tokens(example.text)
            if not tokens:
                continue
            tags = ["O"] * len(tokens)
            for span in spans:
                inside = [i for i, t in enumerate(tokens) if t.start >= span.start and t.end <= span.end]
                for n, i in enumerate(inside):
                    tags[i] = ("B-" if n == 0 else "I-") + span.entity
            trainer.append(_features(tokens, self._lookup), tags)
            sequences += 1 if spans else 0
        if sequences == 0:
            return
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "crf.model")
            trainer.train(path)
            with open(path, "rb") as handle:
                self._model = handle.read()

    def _open(self) -> pycrfsuite.Tagger | None:
        if self._tagger is None and self._model is not None:
            tagger = pycrfsuite.Tagger()
            handle, path = tempfile.mkstemp(suffix=".crf")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(self._model)
                tagger.open(path)  # crfsuite reads the whole model at open
            finally:
                os.unlink(path)
            self._tagger = tagger
        return self._tagger

    def process(self, message: Message) -> None:
        tagger = self._open()
        tokens = _tokens(message.original)
        if tagger is None or not tokens:
            return
        tags = tagger.tag(_features(tokens, self._lookup))
        taken = [(e.start, e.end) for e in message.entities]
        i = 0
        while i < len(tags):
            if not tags[i].startswith("B-"):
                i += 1
                continue
            entity = tags[i][2:]
            j = i + 1
            while j < len(tags) and tags[j] == f"I-{entity}":
                j += 1
            confidence = min(tagger.marginal(tags[k], k) for k in range(i, j))
            start, end = tokens[i].start, tokens[j - 1].end
            if confidence >= self.min_confidence and not any(start < e and s < end for s, e in taken):
                surface = message.original[start:end]
                value = self._synonyms.get(fold(surface), surface)
                message.entities.append(Entity(entity, value, start, end, confidence, self.name))
                taken.append((start, end))
            i = j
