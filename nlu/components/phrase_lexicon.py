"""What the training data says about each entity phrase: how often each label was annotated on it.

A city annotated 283 times as a flight's destination and 270 times as its origin has no one label:
its label depends on the words around it ("từ Hà Nội" / "đến Hà Nội"), which only a sequence model
reads. A phrase whose annotations agree ("người có công" is always the ``field`` entity) may be
claimed by a dictionary. The lexicon keeps the counts per label, so both uses can ask:

- ``dominant(key)``: the one label a phrase carries, if its annotations clearly agree and the
  annotators marked it most times it appears (the lookup extractor claims those);
- ``matches(folded)``: every phrase found in a text with its labels' shares (the CRF weighs those
  as features, never as a verdict).

Phrases are matched on whole words of the folded text (``fold``: lower case, no diacritics), so
"Ha Noi" and "Hà Nội" meet; leftmost-longest, by n-gram look-up, so that a lexicon of thousands of
phrases costs a few dictionary probes per word. Lookup tables count as always annotated with their
own label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlu.normalize import fold
from nlu.training_data import TrainingData

__all__ = ["PhraseLexicon", "PhraseMatch", "phrase_key"]

_WORD = re.compile(r"\w+", re.UNICODE)

# A table entry counts as this many agreeing annotations: a lookup table is the author's word.
_TABLE_WEIGHT = 1000


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    start: int
    end: int
    key: str
    shares: tuple[tuple[str, float], ...]  # (label, share of the phrase's annotations), largest first


@dataclass(slots=True)
class PhraseLexicon:
    labels: dict[str, Counter[str]] = field(default_factory=dict)  # folded phrase -> label -> count
    seen: Counter[str] = field(default_factory=Counter)  # folded phrase -> occurrences, annotated or not
    values: dict[tuple[str, str], str] = field(default_factory=dict)  # (phrase, label) -> first value
    # first word -> words in the longest phrase it starts: a word that starts none costs one probe.
    starts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def learn(cls, data: TrainingData, skip: set[str]) -> PhraseLexicon:
        """Counts every annotated span (and lookup table entry) of the entities not in ``skip``."""
        lexicon = cls()
        synonyms = {fold(k).strip(): v for k, v in data.synonyms.items()}
        for entity, items in data.lookups.items():
            if entity in skip:
                continue
            for item in items:
                key = phrase_key(item)
                if len(key) >= 2:
                    lexicon._count(key, entity, synonyms.get(key, item), _TABLE_WEIGHT)
        for example in data.examples:
            for span in example.entities:
                key = phrase_key(span.text)
                if span.entity not in skip and len(key) >= 2:
                    lexicon._count(key, span.entity, span.value, 1)
        for key in lexicon.labels:
            first = key.partition(" ")[0]
            lexicon.starts[first] = max(lexicon.starts.get(first, 0), key.count(" ") + 1)
        for example in data.examples:
            lexicon.seen.update(match.key for match in lexicon._find(fold(example.text)))
        return lexicon

    def _count(self, key: str, label: str, value: str, weight: int) -> None:
        self.labels.setdefault(key, Counter())[label] += weight
        self.values.setdefault((key, label), value)

    def _find(self, folded: str) -> list[PhraseMatch]:
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(folded)]
        found: list[PhraseMatch] = []
        starts = self.starts
        i = 0
        while i < len(words):
            for n in range(min(starts.get(words[i][0], 0), len(words) - i), 0, -1):
                key = " ".join(w for w, _, _ in words[i : i + n])
                counts = self.labels.get(key)
                if counts is not None:
                    total = sum(counts.values())
                    shares = tuple((label, count / total) for label, count in counts.most_common())
                    found.append(PhraseMatch(words[i][1], words[i + n - 1][2], key, shares))
                    i += n
                    break
            else:
                i += 1
        return found

    def dominant(self, key: str, min_agreement: float, min_precision: float) -> str | None:
        """The label of ``key`` when at least ``min_agreement`` of its annotations carry it and the
        annotators marked it at least ``min_precision`` of the times it occurs; else ``None``."""
        counts = self.labels.get(key)
        if not counts:
            return None
        label, top = counts.most_common(1)[0]
        total = sum(counts.values())
        if top < min_agreement * total:
            return None
        if total < _TABLE_WEIGHT and total < min_precision * max(self.seen[key], 1):
            return None
        return label

    def matches(self, folded: str) -> list[PhraseMatch]:
        """Known phrases in a folded text, leftmost-longest, none overlapping."""
        return self._find(folded)

    def value(self, key: str, label: str) -> str | None:
        return self.values.get((key, label))


def phrase_key(text: str) -> str:
    """``"Hà  Nội,"`` → ``"ha noi"``: the folded words of a phrase, one space apart."""
    return " ".join(_WORD.findall(fold(text)))
