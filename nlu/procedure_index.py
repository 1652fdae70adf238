"""Retrieval of catalogue procedures from free text, diacritic-insensitive.

Each procedure is described by phrases (official name, aliases, keywords, situations, and every
mention annotated in the training data). A query covers a phrase when it contains the phrase's
syllables and syllable pairs; rare syllables weigh more (IDF over procedures). A procedure's score
is its best phrase's ``coverage × saturation(matched weight)``, so "giấy phép lao động" fully covers
the alias of the issue procedure and only partly "cấp lại giấy phép lao động".

Spans point back into the user's text even when an abbreviation was expanded (``gplđ``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

import numpy as np

from nlu.normalize import Abbreviations, fold
from nlu.tokenize import syllables

__all__ = ["IndexedPhrase", "Match", "ProcedureIndex", "QueryToken", "query_tokens"]

# Function words and question words carry no procedure meaning on their own (as unigrams).
# fmt: off
STOPWORDS = frozenset(
    ["a", "ah", "ak", "anh", "ban", "bao", "cac", "cai", "can", "cho", "chi", "chu", "co", "cua", "cung", "da", "dang", "de", "den", "di", "do", "duoc", "e", "em", "gi", "gio", "giup", "hay", "hoi", "khi", "khong", "la", "lam", "len", "luc", "ma", "minh", "moi", "mot", "muon", "nao", "ne", "nen", "nha", "nhe", "nhieu", "nhu", "nhung", "o", "oi", "phai", "ra", "roi", "sao", "se", "sau", "tai", "thang", "the", "thi", "toi", "tren", "trong", "tu", "va", "van", "ve", "vi", "voi", "vay", "xin", "ad", "ho", "so", "thu", "tuc", "giay", "to", "can", "biet", "hoi", "duoc", "con", "nua", "them", "cung"]
)
# fmt: on
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
    # Its distinct grams; a tuple, not a frozenset: 8,000 phrases hold 7 MB less (set operations
    # take them as ``query.intersection(phrase.grams)``).
    grams: tuple[str, ...]
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
    folded_syllables = syllables(folded)
    for index, syllable in enumerate(folded_syllables):
        start = folded.index(syllable, position)
        end = start + len(syllable)
        position = end
        expansion = abbreviations.reading(folded_syllables, index)
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
        self._vocabulary: dict[str, int] = {}
        self._deletes: dict[str, list[str]] = {}
        self._fuzzy_abbreviations: list[tuple[str, str]] = []
        # Posting lists, all in one array: gram → its row; the phrases of row r are
        # ``_posting_phrases[_posting_starts[r] : _posting_starts[r + 1]]``, in the order they were added.
        self._gram_rows: dict[str, int] = {}
        self._posting_starts = np.zeros(1, dtype=np.int64)
        self._posting_phrases = np.zeros(0, dtype=np.int32)
        self._code_array = np.zeros(0, dtype=np.int32)
        self._total_array = np.zeros(0, dtype=np.float64)
        self._weight_array = np.zeros(0, dtype=np.float64)

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
            self.phrases.append(IndexedPhrase(code, tuple(frozenset(grams)), weight))

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
        totals = [sum(self.idf.get(g, 0.0) for g in phrase.grams) for phrase in self.phrases]
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
            (key, expansion)
            for key, expansion in self.abbreviations.table.items()
            if len(key) >= MIN_CORRECTABLE
        ]
        self._build_arrays(by_gram, totals)
        self._share_strings()

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
        for gram, start, end in _grams_with_spans(tokens, text):
            spans[gram].append((start, end))
        own = set(spans)
        query = set(own)
        if context_text:
            query |= _grams([t.syllable for t in query_tokens(context_text, self.abbreviations)])
        distinctive = own - frame_grams
        content_words = {g for g in own if " " not in g}  # stopwords never enter the gram sets
        idf = self.idf
        # Matched IDF per phrase: the posting lists of the query's grams, weighted by each gram's IDF and
        # summed per phrase in one ``bincount`` (a 3,000-procedure catalogue stays within milliseconds).
        lists, weights, gains, contents = [], [], [], []
        rows, starts, phrase_ids = self._gram_rows, self._posting_starts, self._posting_phrases
        for gram in query:
            row = rows.get(gram)
            if row is None:
                continue
            postings = phrase_ids[starts[row] : starts[row + 1]]
            lists.append(postings)
            weights.append(idf[gram])
            gains.append(idf[gram] if context_text and gram in distinctive else 0.0)
            contents.append(1.0 if gram in content_words else 0.0)
        if not lists:
            return []
        lengths = [len(postings) for postings in lists]
        hits = np.concatenate(lists)
        size = len(self.phrases)
        matched_all = np.bincount(hits, weights=np.repeat(weights, lengths), minlength=size)
        candidates = np.flatnonzero(matched_all)
        totals = self._total_array[candidates]
        keep = totals > 0
        candidates, totals = candidates[keep], totals[keep]
        matched = matched_all[candidates]
        scores = self._weight_array[candidates] * (matched / totals) * (1 - np.exp(-matched / SATURATION))
        if context_text:
            gained = np.bincount(hits, weights=np.repeat(gains, lengths), minlength=size)[candidates]
        else:
            gained = matched
        phrase_codes = self._code_array[candidates]
        # How many of the user's content words each candidate phrase holds (a phrase's grams are distinct).
        held = np.bincount(hits, weights=np.repeat(contents, lengths), minlength=size)[candidates] if content_words else None
        matches = []
        for position in _best_per_code(scores, phrase_codes, limit):
            index = int(candidates[position])
            score = float(scores[position])
            code_id = phrase_codes[position]
            grams = self.phrases[index].grams
            start, end = _main_run([s for g in own.intersection(grams) for s in spans[g]])
            # What the procedure accounts for: the best of its phrases that fit nearly as well as its
            # best one ("tctn" fits fully, "tạm dừng rồi muốn tiếp tục hưởng" explains more).
            explained = 0.0
            if held is not None:
                close = (phrase_codes == code_id) & (scores >= score - EXPLAINED_SCORE_MARGIN)
                explained = float(held[close].max()) / len(content_words)
            matches.append(
                Match(self.phrases[index].code, score, start, end, float(gained[position]), explained)
            )
        return matches

    def postings(self, gram: str) -> np.ndarray:
        """The phrases holding ``gram``, in the order they were added (empty when none does)."""
        row = self._gram_rows.get(gram)
        if row is None:
            return self._posting_phrases[:0]
        return self._posting_phrases[self._posting_starts[row] : self._posting_starts[row + 1]]

    def _build_arrays(self, by_gram: dict[str, list[int]], totals: list[float]) -> None:
        """Posting lists in one array, and each phrase's total IDF, trust and procedure as vectors:
        one array instead of 15,000 small ones (≈ 10 MB less resident for 80 procedures)."""
        codes: dict[str, int] = {}
        self._code_array = np.array(
            [codes.setdefault(p.code, len(codes)) for p in self.phrases], dtype=np.int32
        )
        self._total_array = np.array(totals, dtype=np.float64)
        self._weight_array = np.array([p.weight for p in self.phrases], dtype=np.float64)
        self._gram_rows = {gram: row for row, gram in enumerate(by_gram)}
        lengths = np.fromiter((len(ids) for ids in by_gram.values()), dtype=np.int64, count=len(by_gram))
        self._posting_starts = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(lengths)])
        self._posting_phrases = np.fromiter(
            (i for ids in by_gram.values() for i in ids), dtype=np.int32, count=int(lengths.sum())
        )

    def _share_strings(self) -> None:
        """One string object per gram across the phrases, the IDF table and the posting rows (each
        phrase had built its own copies): the pickled model keeps them shared, and so does its load."""
        canonical: dict[str, str] = {}

        def one(gram: str) -> str:
            return canonical.setdefault(gram, gram)

        self.idf = {one(gram): value for gram, value in self.idf.items()}
        self._gram_rows = {one(gram): row for gram, row in self._gram_rows.items()}
        self.phrases = [IndexedPhrase(p.code, tuple(map(one, p.grams)), p.weight) for p in self.phrases]


def _best_per_code(scores: np.ndarray, codes: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the best phrase of each of the ``limit`` best procedures, best first; among equal
    scores the phrase added first. Only the phrases scoring at least the k-th best are sorted: when they
    name ``limit`` procedures, no other procedure can rank above them."""
    size = len(scores)
    k = min(size, max(64, 16 * limit))
    while True:
        if k >= size:
            pool = np.arange(size)
        else:
            threshold = scores[np.argpartition(-scores, k - 1)[k - 1]]
            pool = np.flatnonzero(scores >= threshold)  # every tie at the threshold too
        order = pool[np.argsort(-scores[pool], kind="stable")]
        _, first = np.unique(codes[order], return_index=True)
        if len(first) >= limit or k >= size:
            break
        k *= 4
    first.sort()
    return order[first[:limit]]


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
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
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


# A clause break between two syllables; a dot or comma inside a number ("1.001978", "1,5") is none.
_CLAUSE_PUNCTUATION = re.compile(r"[;:?!()]|(?<!\d)[,.]|[,.](?!\d)")


def _grams_with_spans(tokens: list[QueryToken], text: str = "") -> list[tuple[str, int, int]]:
    """Syllables and adjacent pairs, never a pair across punctuation: in "vợ sinh, quá hạn có mất
    không" no name holds "sinh quá"."""
    out = [(t.syllable, t.start, t.end) for t in tokens if t.syllable not in STOPWORDS]
    out.extend(
        (f"{a.syllable} {b.syllable}", a.start, b.end)
        for a, b in pairwise(tokens)
        if not _CLAUSE_PUNCTUATION.search(text[max(a.end - 1, 0) : b.start + 1])
    )
    return out
