"""Retrieval of catalogue procedures from free text, diacritic-insensitive.

Each procedure is described by phrases (official name, aliases, keywords, situations, and every
mention annotated in the training data). A query covers a phrase when it contains the phrase's
syllables and syllable pairs; rare syllables weigh more (IDF over procedures). A procedure's score
is its best phrase's ``coverage × saturation(matched weight)``, so "giấy phép lao động" fully covers
the alias of the issue procedure and only partly "cấp lại giấy phép lao động".

Spans point back into the user's text even when an abbreviation was expanded (``gplđ``).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from nlu.normalize import Abbreviations, fold
from nlu.tokenize import syllables

__all__ = ["IndexedPhrase", "Match", "ProcedureIndex", "QueryToken", "query_tokens"]

# Function words and question words carry no procedure meaning on their own (as unigrams).
STOPWORDS = frozenset(
    ["a", "ah", "ak", "anh", "ban", "bao", "cac", "cai", "can", "cho", "chi", "chu", "co", "cua", "cung", "da", "dang", "de", "den", "di", "do", "duoc", "e", "em", "gi", "gio", "giup", "hay", "hoi", "khi", "khong", "la", "lam", "len", "luc", "ma", "minh", "moi", "mot", "muon", "nao", "ne", "nen", "nha", "nhe", "nhieu", "nhu", "nhung", "o", "oi", "phai", "ra", "roi", "sao", "se", "sau", "tai", "thang", "the", "thi", "toi", "tren", "trong", "tu", "va", "van", "ve", "vi", "voi", "vay", "xin", "ad", "ho", "so", "thu", "tuc", "giay", "to", "can", "biet", "hoi", "duoc", "con", "nua", "them", "cung"]
)
SATURATION = 2.5
EXPLAINED_SCORE_MARGIN = 0.25  # phrases this close to a procedure's best one count for what it explains
MIN_CORRECTABLE = 4  # shorter syllables have too many neighbours one edit away


# How much each kind of phrase is trusted: a situation or a keyword less than a name.
PHRASE_WEIGHTS = {"name": 1.0, "alias": 1.0, "mention": 1.0, "keyword": 0.85, "situation": 0.9, "field": 0.5}


class Describable(Protocol):
    """What a procedure must tell to be found: a catalogue record or a training-time entry."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...
    @property
    def situations(self) -> Sequence[str]: ...
    @property
    def national_code(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class QueryToken:
    syllable: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class IndexedPhrase:
    code: str
    grams: frozenset[str]
    weight: float  # how much this kind of phrase is trusted (a situation less than a name)


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    score: float
    start: int
    end: int
    gain_outside_context: float = 0.0
    explained: float = 0.0  # share of the user's content words that this procedure accounts for


def query_tokens(text: str, abbreviations: Abbreviations) -> list[QueryToken]:
    """Folded syllables with their offsets; an abbreviation yields its expansion at its own span."""
    out: list[QueryToken] = []
    folded = fold(text)
    position = 0
    for syllable in syllables(folded):
        start = folded.index(syllable, position)
        end = start + len(syllable)
        position = end
        expansion = abbreviations.get(syllable)
        if expansion:
            out.extend(QueryToken(s, start, end) for s in syllables(fold(expansion)))
        else:
            out.append(QueryToken(syllable, start, end))
    return out


def _grams(tokens: list[str]) -> set[str]:
    grams = {t for t in tokens if t not in STOPWORDS}
    grams.update(f"{a} {b}" for a, b in pairwise(tokens))
    return grams


class ProcedureIndex:
    def __init__(self, abbreviations: Abbreviations) -> None:
        self.abbreviations = abbreviations
        self.phrases: list[IndexedPhrase] = []
        self.idf: dict[str, float] = {}
        self.names: dict[str, str] = {}
        self.fields: dict[str, str] = {}
        self._by_gram: dict[str, list[int]] = {}
        self._totals: list[float] = []
        self._vocabulary: dict[str, int] = {}
        self._deletes: dict[str, list[str]] = {}
        self._fuzzy_abbreviations: list[tuple[str, str]] = []

    def add_procedure(self, procedure: Describable, *, with_field: bool = False) -> None:
        """Index a procedure's name, aliases, keywords and situations (and its field's words)."""
        self.names[procedure.code] = procedure.name
        self.fields[procedure.code] = procedure.field
        self.add(procedure.code, procedure.name, PHRASE_WEIGHTS["name"])
        for alias in procedure.aliases:
            self.add(procedure.code, alias, PHRASE_WEIGHTS["alias"])
        for keyword in procedure.keywords:
            self.add(procedure.code, keyword, PHRASE_WEIGHTS["keyword"])
        for situation in procedure.situations:
            self.add(procedure.code, situation, PHRASE_WEIGHTS["situation"])
        if procedure.national_code:
            # Call-centre staff name procedures by their national code: "thủ tục 1.001978".
            self.add(procedure.code, procedure.national_code, PHRASE_WEIGHTS["alias"])
        if with_field:
            # Field codes are folded names ("ho_tich"), so their words match a folded query.
            self.add(procedure.code, procedure.field.replace("_", " "), PHRASE_WEIGHTS["field"])

    def add(self, code: str, text: str, weight: float = 1.0) -> None:
        tokens = [t.syllable for t in query_tokens(text, self.abbreviations)]
        grams = _grams(tokens)
        if grams:
            self.phrases.append(IndexedPhrase(code, frozenset(grams), weight))

    def build(self) -> None:
        """Compute IDF over procedures and the inverted index; call after the last ``add``."""
        per_code: dict[str, set[str]] = defaultdict(set)
        for phrase in self.phrases:
            per_code[phrase.code].update(phrase.grams)
        total = max(len(per_code), 1)
        document_frequency: dict[str, int] = defaultdict(int)
        for grams in per_code.values():
            for gram in grams:
                document_frequency[gram] += 1
        self.idf = {g: math.log(1 + total / df) for g, df in document_frequency.items()}
        by_gram: dict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(self.phrases):
            for gram in phrase.grams:
                by_gram[gram].append(index)
        self._by_gram = dict(by_gram)
        self._totals = [sum(self.idf.get(g, 0.0) for g in phrase.grams) for phrase in self.phrases]
        vocabulary: dict[str, int] = defaultdict(int)
        for gram, frequency in document_frequency.items():
            for syllable in gram.split(" "):
                vocabulary[syllable] += frequency
        for syllable in STOPWORDS:
            vocabulary.setdefault(syllable, 1)
        self._vocabulary = dict(vocabulary)
        deletes: dict[str, list[str]] = defaultdict(list)
        for syllable in self._vocabulary:
            if len(syllable) >= MIN_CORRECTABLE - 1:
                for variant in _deletions(syllable):
                    deletes[variant].append(syllable)
        self._deletes = dict(deletes)
        self._fuzzy_abbreviations = [
            (key, expansion) for key, expansion in self.abbreviations.table.items() if len(key) >= MIN_CORRECTABLE
        ]

    def _repair(self, token: QueryToken) -> list[QueryToken]:
        """A word the catalogue does not know: an abbreviation typed one key off ("gpdl" for "gpld")
        is expanded, any other word gets ``correct``."""
        if token.syllable in self._vocabulary:
            return [token]
        if len(token.syllable) >= MIN_CORRECTABLE:
            for key, expansion in self._fuzzy_abbreviations:
                if _within_one_edit(token.syllable, key):
                    return [QueryToken(s, token.start, token.end) for s in syllables(fold(expansion))]
        return [QueryToken(self.correct(token.syllable), token.start, token.end)]

    def correct(self, syllable: str) -> str:
        """A one-character typo fixed against the catalogue's own syllables:
        ``"ngiep"`` → ``"nghiep"``, ``"lna"`` → ``"lan"``. Unknown words without a single close
        neighbour are left alone, so a name the catalogue lacks stays unknown."""
        if syllable in self._vocabulary or len(syllable) < MIN_CORRECTABLE or syllable.isdigit():
            return syllable
        candidates: set[str] = set(self._deletes.get(syllable, ()))
        for variant in _deletions(syllable):
            if variant in self._vocabulary:
                candidates.add(variant)
            candidates.update(self._deletes.get(variant, ()))
        close = [c for c in candidates if _within_one_edit(syllable, c)]
        if not close:
            return syllable
        return max(close, key=lambda c: (self._vocabulary.get(c, 0), c))

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        context_text: str | None = None,
        frame_grams: frozenset[str] = frozenset(),
    ) -> list[Match]:
        """Rank procedures for ``text``.

        With ``context_text`` (the procedure being discussed) the query is read together with it,
        and ``gain_outside_context`` tells how much of each match comes from the user's own
        distinctive words, not from the context nor from question wording (``frame_grams``):
        "còn gia hạn thì sao" + "giấy phép lao động" gains through "gia hạn" only."""
        tokens = [fixed for t in query_tokens(text, self.abbreviations) for fixed in self._repair(t)]
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for gram, start, end in _grams_with_spans(tokens):
            spans[gram].append((start, end))
        own = set(spans)
        query = set(own)
        if context_text:
            query |= _grams([t.syllable for t in query_tokens(context_text, self.abbreviations)])
        distinctive = own - frame_grams
        content_words = {g for g in own if " " not in g}  # stopwords never enter the gram sets
        best: dict[str, tuple[float, int, float]] = {}
        idf = self.idf
        # Matched IDF per phrase, summed along the posting lists of the query's grams: the sums
        # that intersecting each candidate's grams with the query gives, without a set per
        # candidate (a 3,000-procedure catalogue stays within a few milliseconds).
        matched_by_phrase: dict[int, float] = defaultdict(float)
        gain_by_phrase: dict[int, float] = defaultdict(float)
        scored_phrases: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for gram in query:
            postings = self._by_gram.get(gram)
            if not postings:
                continue
            weight = idf[gram]
            counts_as_gain = bool(context_text) and gram in distinctive
            for index in postings:
                matched_by_phrase[index] += weight
                if counts_as_gain:
                    gain_by_phrase[index] += weight
        for index, matched in matched_by_phrase.items():
            phrase = self.phrases[index]
            total = self._totals[index]
            if total <= 0:
                continue
            score = phrase.weight * (matched / total) * (1 - math.exp(-matched / SATURATION))
            gain = gain_by_phrase.get(index, 0.0) if context_text else matched
            previous = best.get(phrase.code)
            if previous is None or score > previous[0]:
                best[phrase.code] = (score, index, gain)
            scored_phrases[phrase.code].append((score, index))
        ranked = heapq.nlargest(limit, best.items(), key=lambda item: item[1][0])  # = sorted(...)[:limit]
        matches = []
        for code, (score, index, gain) in ranked:
            grams = self.phrases[index].grams
            start, end = _main_run([s for g in grams & own for s in spans[g]])
            # What the procedure accounts for: the best of its phrases that fit nearly as well as its
            # best one ("tctn" fits fully, "tạm dừng rồi muốn tiếp tục hưởng" explains more).
            explained = max(
                (
                    len(content_words & self.phrases[i].grams) / len(content_words)
                    for s, i in scored_phrases[code]
                    if s >= score - EXPLAINED_SCORE_MARGIN
                ),
                default=0.0,
            ) if content_words else 0.0
            matches.append(Match(code, score, start, end, gain, explained))
        return matches


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau distance ≤ 1: one substitution, insertion, deletion or swap of neighbours."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _main_run(hits: list[tuple[int, int]]) -> tuple[int, int]:
    """The longest stretch of the text covered by matched syllables without a gap of more than one
    character: in "đăng ký hợp đồng ... nộp ở sở lao động" the mention, not the whole sentence."""
    if not hits:
        return 0, 0
    runs: list[list[int]] = []
    for start, end in sorted(hits):
        if runs and start <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    best = max(runs, key=lambda run: run[1] - run[0])
    return best[0], best[1]


def _grams_with_spans(tokens: list[QueryToken]) -> list[tuple[str, int, int]]:
    out = [(t.syllable, t.start, t.end) for t in tokens if t.syllable not in STOPWORDS]
    out.extend(
        (f"{a.syllable} {b.syllable}", a.start, b.end) for a, b in pairwise(tokens)
    )
    return out
