"""Entities found by dictionary, where a phrase has one label: lookup tables and annotated texts.

``[người có công]{"entity": "field", "value": "nguoi_co_cong"}`` teaches that the phrase, with or
without diacritics, is the ``field`` entity with that value. The dictionary keeps, per phrase, how
often each label was annotated on it (``PhraseLexicon``) and claims a phrase only when

- one label clearly dominates its annotations (``min_agreement``): a city marked 283× as the
  destination and 270× as the origin has no one label, so it is left to the CRF, which reads the
  context ("từ Hà Nội" / "đến Hà Nội");
- the annotators marked it most times it appears (``min_precision``): where "sáng" is a time slot
  once and plain text ten times, the dictionary stays quiet.

Its confidence is the dominant label's share, and the CRF, which sees the same dictionary as a
feature, replaces it wherever the two disagree: the dictionary is evidence, not an override.
Lookup tables are taken as given. Entities handled by another extractor are left to it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.components.phrase_lexicon import PhraseLexicon
from nlu.message import Entity, Message
from nlu.normalize import fold
from nlu.training_data import TrainingData

__all__ = ["LookupEntityExtractor"]

_SKIP = {"procedure", "dossier_code", "id_number", "phone_number"}


class LookupEntityExtractor:
    name: ClassVar[str] = "LookupEntityExtractor"

    def __init__(
        self,
        skip_entities: list[str] | None = None,
        min_precision: float = 0.5,
        min_agreement: float = 0.9,
        **options: Any,
    ) -> None:
        self._skip = set(skip_entities) if skip_entities is not None else set(_SKIP)
        self.min_precision = float(min_precision)
        self.min_agreement = float(min_agreement)
        self._lexicon = PhraseLexicon()

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self._lexicon = PhraseLexicon.learn(data, self._skip)

    def process(self, message: Message) -> None:
        taken = [(e.start, e.end) for e in message.entities]
        for match in self._lexicon.matches(fold(message.original)):
            label = self._lexicon.dominant(match.key, self.min_agreement, self.min_precision)
            if label is None:
                continue
            if any(match.start < t_end and t_start < match.end for t_start, t_end in taken):
                continue
            value = self._lexicon.value(match.key, label) or message.original[match.start : match.end]
            share = dict(match.shares)[label]
            message.entities.append(Entity(label, value, match.start, match.end, share, self.name))
            taken.append((match.start, match.end))
