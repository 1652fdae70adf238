"""Abbreviations with two readings, read by their neighbours: "lãnh tn" is *thất nghiệp*, "52 tn" is
*tuổi*; "mất bn tiền" is *bao nhiêu*, "bn ơi" is *bạn*.

The readings come from the abbreviation table (``ambiguous:``); what words stand around each reading
is learned from the project's own text (training examples, citizens' questions, the catalogue's
names and situations) at training time. A token is expanded to the reading whose neighbours fit
clearly best (a naive-Bayes choice over the two words either side, smoothed towards how often each
neighbour is seen at all, by at least ``MIN_ODDS`` to one), and left as typed when none fits:
guessing wrong costs more than not expanding.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from nlu.normalize import fold, nfc
from nlu.tokenize import syllables

__all__ = ["MIN_ODDS", "AbbreviationContexts"]

MIN_ODDS = 3.0  # the chosen reading at least this many times likelier than the next one
_SMOOTHING = 1.0


def _feature_word(word: str) -> str:
    return "#" if word.isdigit() else word


def _features(words: Sequence[str], start: int, end: int) -> list[str]:
    """The two words before ``words[start:end]`` and the two after, by position."""
    out = []
    for offset, tag in ((1, "<"), (2, "<<")):
        if start - offset >= 0:
            out.append(tag + _feature_word(words[start - offset]))
    for offset, tag in ((0, ">"), (1, ">>")):
        if end + offset < len(words):
            out.append(tag + _feature_word(words[end + offset]))
    return out


class AbbreviationContexts:
    """For each ambiguous token (folded), its readings and the neighbours seen around each."""

    def __init__(self, readings: dict[str, list[str]]) -> None:
        self.readings = {fold(nfc(k)).strip(): [nfc(r) for r in rs] for k, rs in readings.items() if rs}
        self._reading_words = {
            reading: syllables(fold(reading)) for rs in self.readings.values() for reading in rs
        }
        self._seen: dict[str, int] = {}  # reading -> times seen spelled out
        self._neighbours: dict[str, Counter[str]] = {}  # reading -> feature -> count
        self._totals: dict[str, int] = {}  # reading -> features counted beside it

    def learn(self, texts: Iterable[str]) -> AbbreviationContexts:
        seen: Counter[str] = Counter()
        neighbours: dict[str, Counter[str]] = {r: Counter() for r in self._reading_words}
        firsts: dict[str, list[str]] = {}
        for reading, words in self._reading_words.items():
            if words:
                firsts.setdefault(words[0], []).append(reading)
        for text in texts:
            words = syllables(fold(text))
            for i, word in enumerate(words):
                for reading in firsts.get(word, ()):
                    spelled = self._reading_words[reading]
                    if words[i : i + len(spelled)] == spelled:
                        seen[reading] += 1
                        neighbours[reading].update(_features(words, i, i + len(spelled)))
        self._seen = dict(seen)
        self._neighbours = neighbours
        self._totals = {reading: sum(counts.values()) for reading, counts in neighbours.items()}
        return self

    def choose(self, token: str, words: Sequence[str], index: int) -> str | None:
        """The reading of ``words[index]`` (folded) in its place, or None to leave it as typed."""
        readings = self.readings.get(token)
        if not readings or not self._seen:
            return None
        counts = {r: self._neighbours.get(r, Counter()) for r in readings}
        learned_totals = getattr(self, "_totals", None)  # models pickled before it counted them here
        totals = {r: learned_totals[r] if learned_totals else sum(counts[r].values()) for r in readings}
        everywhere = sum(totals.values())
        # Only neighbours seen beside some reading say anything; each is smoothed towards how often
        # it is seen beside any of them, so a rare reading is not favoured for what it never met.
        features = [f for f in _features(words, index, index + 1) if any(c[f] for c in counts.values())]
        if not features or not everywhere:
            return None
        seen_in_all = sum(self._seen.get(r, 0) for r in readings)
        scored = []
        for reading in readings:
            log_p = math.log((self._seen.get(reading, 0) + _SMOOTHING) / (seen_in_all + _SMOOTHING * len(readings)))
            for f in features:
                background = sum(c[f] for c in counts.values()) / everywhere
                log_p += math.log((counts[reading][f] + _SMOOTHING * background) / (totals[reading] + _SMOOTHING))
            scored.append((log_p, reading))
        scored.sort(reverse=True)
        best_log_p, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else -math.inf
        return best if best_log_p - runner_up >= math.log(MIN_ODDS) else None
