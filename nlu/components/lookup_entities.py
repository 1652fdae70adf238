"""Entities found by dictionary: lookup tables and every annotated entity text in the training data.

``[người có công]{"entity": "field", "value": "nguoi_co_cong"}`` teaches that the phrase, with or
without diacritics, is the ``field`` entity with that value. Matching is on whole words of the
folded text, longest phrase first. Entities handled by another extractor are left to it.

A phrase learned from annotations is kept only when the annotators marked it most times it appears
(``min_precision``): in a data set where "sáng" is a time slot once and plain text ten times, the
dictionary stays quiet and the CRF decides from context. Lookup tables are taken as given.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.message import Entity, Message
from nlu.normalize import fold
from nlu.training_data import TrainingData

__all__ = ["LookupEntityExtractor"]

_SKIP = {"procedure", "dossier_code", "id_number", "phone_number"}


class LookupEntityExtractor:
    name: ClassVar[str] = "LookupEntityExtractor"

    def __init__(self, skip_entities: list[str] | None = None, min_precision: float = 0.5, **options: Any) -> None:
        self._skip = set(skip_entities) if skip_entities is not None else set(_SKIP)
        self.min_precision = float(min_precision)
        self._phrases: dict[str, tuple[str, str]] = {}
        self._pattern: re.Pattern[str] | None = None

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        synonyms = {fold(k): v for k, v in data.synonyms.items()}
        for entity, items in data.lookups.items():
            if entity in self._skip:
                continue
            for item in items:
                key = fold(item).strip()
                if len(key) >= 2:
                    self._phrases[key] = (entity, synonyms.get(key, item))
        learned: dict[str, tuple[str, str]] = {}
        marked: Counter[str] = Counter()
        for example in data.examples:
            for span in example.entities:
                key = fold(span.text).strip()
                if span.entity not in self._skip and len(key) >= 2:
                    learned.setdefault(key, (span.entity, span.value))
                    marked[key] += 1
        seen = _occurrences([fold(example.text) for example in data.examples], learned)
        for key, meaning in learned.items():
            if key not in self._phrases and marked[key] >= self.min_precision * max(seen[key], 1):
                self._phrases[key] = meaning
        self._pattern = _alternation(self._phrases)

    def process(self, message: Message) -> None:
        if self._pattern is None:
            return
        folded = fold(message.original)
        taken = [(e.start, e.end) for e in message.entities]
        for match in self._pattern.finditer(folded):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            entity, value = self._phrases[match.group(1)]
            message.entities.append(Entity(entity, value, start, end, 1.0, self.name))
            taken.append((start, end))


def _alternation(phrases: dict[str, tuple[str, str]]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")


def _occurrences(texts: list[str], phrases: dict[str, tuple[str, str]]) -> Counter[str]:
    """How often each phrase stands as whole words in the texts, annotated or not."""
    pattern = _alternation(phrases)
    counts: Counter[str] = Counter()
    if pattern is not None:
        for text in texts:
            counts.update(match.group(1) for match in pattern.finditer(text))
    return counts
