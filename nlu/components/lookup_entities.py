"""Entities found by dictionary: lookup tables and every annotated entity text in the training data.

``[người có công]{"entity": "field", "value": "nguoi_co_cong"}`` teaches that the phrase, with or
without diacritics, is the ``field`` entity with that value. Matching is on whole words of the
folded text, longest phrase first. Entities handled by another extractor are left to it.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.message import Entity, Message
from nlu.normalize import fold
from nlu.training_data import TrainingData

__all__ = ["LookupEntityExtractor"]

_SKIP = {"procedure", "dossier_code", "id_number", "phone_number"}


class LookupEntityExtractor:
    name: ClassVar[str] = "LookupEntityExtractor"

    def __init__(self, skip_entities: list[str] | None = None, **options: Any) -> None:
        self._skip = set(skip_entities) if skip_entities is not None else set(_SKIP)
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
        for example in data.examples:
            for span in example.entities:
                key = fold(span.text).strip()
                if span.entity not in self._skip and len(key) >= 2:
                    self._phrases.setdefault(key, (span.entity, span.value))
        if self._phrases:
            alternatives = sorted(self._phrases, key=len, reverse=True)
            self._pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")

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
