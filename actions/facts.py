"""Question-level facts: a yes/no or specific question answered from the entry, not the whole section.

"nghỉ việc quá 3 tháng có nộp hồ sơ thất nghiệp được không" → the fact whose ways of asking it
covers best ("nộp hồ sơ quá 3 tháng sau khi nghỉ việc"), among the facts of the procedure in
context. Rare words weigh more (IDF over every fact of the catalogue), so "3 tháng" and "quá hạn"
decide, not "có ... không".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from knowledge.catalogue import ProcedureCatalogue
from knowledge.schemas import Fact
from nlu.normalize import fold
from nlu.tokenize import folded_syllables, syllables

__all__ = ["CROSS_ASPECT_COVERAGE", "MIN_COVERAGE", "AspectCertainty", "FactIndex", "fact_grams", "is_yes_no_question"]

# Share of an ask's weighted words the question must contain, and how many distinctive words at
# least: one shared word ("tháng") is never enough.
MIN_COVERAGE = 0.6
# A fact of another aspect than the question was classified as must be asked almost word for word.
CROSS_ASPECT_COVERAGE = 0.85
MIN_MATCHED_WORDS = 2
# Only words that never make a question specific: particles, pronouns, question words. Unlike the
# procedure index, "tháng", "mới", "báo", "bản sao" stay: they are what a specific question is about.
_FUNCTION_WORDS = frozenset((
    "a", "ah", "ak", "ad", "anh", "ban", "cho", "chi", "chu", "co", "cua", "da", "day", "de", "di", "do",
    "duoc", "dc", "e", "em", "gi", "giup", "ha", "hay", "hoi", "hok", "hong", "khong", "ko", "k", "la", "lam",
    "luc", "ma", "minh", "muon", "nao", "ne", "nha", "nhe", "nhi", "o", "oi", "phai", "ra", "roi", "sao", "se",
    "thi", "the", "toi", "tu", "va", "van", "vay", "ve", "voi", "xin", "j", "z", "v", "bn", "nhieu",
))
_NUMBER = re.compile(r"^\d+([.,]\d+)?$")


_YES_NO = re.compile(
    r"\b(co phai|co can|co duoc|co bi|co mat|co dc|duoc khong|duoc ko|dc ko|dc k|duoc k|phai khong|hay khong|"
    r"co [a-z ]{1,40} (khong|ko|k|hok|hong|ha)|dung khong|dung ko)\b"
)


def is_yes_no_question(text: str) -> bool:
    """ "có phải khai báo lại không", "rút 1 lần được ko", "co bi cat ko": a question whose answer
    is yes or no, best answered by a fact of any aspect."""
    return bool(_YES_NO.search(folded_syllables(text)))


def fact_grams(text: str) -> set[str]:
    """Distinctive syllables and every syllable pair, folded: "có phải báo không" → {"bao", "co phai", ...}."""
    # Numbers match any number: "nghỉ 4 tháng rồi mới nộp" asks the fact "quá 3 tháng mới nộp".
    words = ["#" if _NUMBER.match(w) else w for w in syllables(fold(text))]
    grams = {w for w in words if w not in _FUNCTION_WORDS}
    grams.update(f"{a} {b}" for a, b in pairwise(words))
    return grams


def _naming_words(name: str, aliases: tuple[str, ...] | list[str]) -> set[str]:
    """Folded syllables of a procedure's name and aliases, but for the words of any question."""
    return {w for phrase in (name, *aliases) for w in syllables(fold(phrase))} - _FUNCTION_WORDS


@dataclass(frozen=True, slots=True)
class AspectCertainty:
    """When a fact of another aspect than the one classified may answer (``policies`` in config.yml):
    only when the classifier is not sure of its aspect (below ``sure``) or gives the fact's own
    aspect at least ``second``. "xin cấp lại sổ ntn" (steps, 0.98) is never answered with the fee
    fact "cấp lại sổ có mất phí không" because the words "cấp lại sổ" and "mất" are shared."""

    sure: float = 0.75
    second: float = 0.15

    def allows(self, fact_aspect_intent: str, ranking: dict[str, float], classified: str) -> bool:
        return ranking.get(classified, 0.0) < self.sure or ranking.get(fact_aspect_intent, 0.0) >= self.second


@dataclass(frozen=True, slots=True)
class _Ask:
    fact: Fact
    grams: frozenset[str]
    words: frozenset[str]  # the grams that are single syllables
    weight: float  # their summed IDF
    asking: frozenset[str]  # those of them that do not name the procedure
    asking_weight: float


class FactIndex:
    """Built from the catalogue on first use and again whenever its ``revision`` changes."""

    def __init__(self, catalogue: ProcedureCatalogue, certainty: AspectCertainty | None = None) -> None:
        self._catalogue = catalogue
        self.certainty = certainty or AspectCertainty()
        self._revision: object = None
        self._asks: dict[str, list[_Ask]] = {}
        self._idf: dict[str, float] = {}

    def _build(self) -> None:
        revision = getattr(self._catalogue, "revision", None)
        if self._asks and revision == self._revision:
            return
        per_fact: list[tuple[str, Fact, list[set[str]]]] = []
        naming: dict[str, set[str]] = {}
        frequency: dict[str, int] = defaultdict(int)
        for record in self._catalogue.all():
            naming[record.code] = _naming_words(record.name, record.aliases)
            for fact in record.facts:
                ask_grams = [fact_grams(ask) for ask in fact.asks]
                per_fact.append((record.code, fact, ask_grams))
                for gram in set().union(*ask_grams):
                    frequency[gram] += 1
        idf = {g: math.log(1 + len(per_fact) / n) for g, n in frequency.items()}
        asks: dict[str, list[_Ask]] = defaultdict(list)
        for code, fact, ask_grams in per_fact:
            for grams in ask_grams:
                words = frozenset(g for g in grams if " " not in g)
                # The words that name the procedure say which one, not which question: "cần mấy ảnh
                # làm giấy phép lao động" must not answer "làm giấy phép lao động cần giấy tờ gì".
                asking = (words - naming[code]) or words
                asks[code].append(_Ask(
                    fact, frozenset(grams), words, sum(idf[g] for g in words), asking, sum(idf[g] for g in asking)
                ))
        self._idf = idf
        self._asks = dict(asks)
        self._revision = revision

    def best(self, code: str, text: str, aspect: str | None = None, min_coverage: float = MIN_COVERAGE) -> Fact | None:
        """The fact of procedure ``code`` that ``text`` asks, if one is asked clearly enough
        (``min_coverage`` of an ask's weighted words); with ``aspect``, only facts of that aspect."""
        self._build()
        query = fact_grams(text)
        best: tuple[float, Fact] | None = None
        for ask in self._asks.get(code, []):
            if aspect is not None and ask.fact.aspect != aspect:
                continue
            matched_words = ask.words & query
            if len(matched_words) < MIN_MATCHED_WORDS:
                continue
            # Words decide (paraphrases rarely share word pairs); shared pairs break ties.
            coverage = sum(self._idf[g] for g in matched_words) / ask.weight if ask.weight else 0.0
            # ... and so do the words that ask, apart from those naming the procedure.
            asked = sum(self._idf[g] for g in ask.asking & query) / ask.asking_weight if ask.asking_weight else 0.0
            if asked < min_coverage:
                continue
            score = coverage + 0.01 * len((ask.grams - ask.words) & query)
            if coverage >= min_coverage and (best is None or score > best[0]):
                best = (score, ask.fact)
        return best[1] if best else None
