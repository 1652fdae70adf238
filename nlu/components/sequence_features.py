"""Tokens and per-token features for the entity sequence model (``CRFEntityExtractor``).

Tokens are syllables and punctuation marks (``"từ Hà Nội, về Nghệ An"`` → ``từ · Hà · Nội · , · về ·
Nghệ · An``): a comma often ends an entity, so it is kept. Each token is described by

- the word with and without diacritics (``nội`` and ``noi``): typed with marks, ``nội`` and ``nói``
  differ; typed without, they meet on ``noi``;
- its shape (``Xx``, ``d``, ``.``), character prefixes and suffixes;
- its neighbours in a window of three each side, and the pairs it forms with them; with ``wide``
  (``CRFEntityExtractor wide_context: true``), the words further out, up to eight each side, as a
  bag (which side, not how far), and the sentence's first two words (what kind of question it is);
- with ``outer`` (``CRFEntityExtractor outer_context: K``), the K nearest words each side *outside*
  the dictionary's phrases: in "đến thành phố Hồ Chí Minh vào khoảng 6 giờ", the words that decide
  "6 giờ" is an arrival time are "vào" and "đến", past a five-syllable city the window of three
  never reaches; every token of a phrase shares the phrase's outer words;
- evidence from the dictionary (``PhraseLexicon``): every label the training data annotated on a
  phrase covering the token, with how much of the phrase's annotations it had (``lex=B-province``,
  ``lex_share=B-province:hi``), and the regex patterns that match there.

The dictionary and regexes describe; the model learns how far to trust them in each context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlu.components.phrase_lexicon import PhraseMatch
from nlu.normalize import fold

__all__ = ["TOKEN", "Token", "featurize", "tokens"]

TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_WINDOW = 3
_BAG = (
    8  # words 4..8 away each side, as a bag: "hạ cánh" or "khởi hành" a few words off decides arrive/depart
)
_fold_word = lru_cache(maxsize=65536)(fold)  # a vocabulary repeats: fold each word once


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _shape(token: str) -> str:
    """``"Hà"`` → ``"Xx"``, ``"0912"`` → ``"d"``, ``"GPLĐ"`` → ``"X"``, ``","`` → ``","``."""
    if not token[0].isalnum() and token[0] != "_":
        return token if len(token) == 1 else "."
    out: list[str] = []
    for char in token:
        kind = "d" if char.isdigit() else "X" if char.isupper() else "x" if char.isalpha() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:4]


def _share_bucket(share: float) -> str:
    return "hi" if share >= 0.9 else "mid" if share >= 0.5 else "lo"


def featurize(
    toks: list[Token],
    phrases: list[PhraseMatch],
    regexes: list[tuple[str, re.Pattern[str]]],
    text: str,
    wide: bool = False,
    outer: int = 0,
) -> list[list[str]]:
    """One feature list per token of ``text``, with the dictionary's ``phrases`` found in it;
    ``wide``: also the far words as a bag and the sentence's opening; ``outer``: that many words
    each side outside the phrases."""
    lower = [t.text.lower() for t in toks]
    folded = [_fold_word(t.text) for t in toks]
    evidence: list[list[str]] = [[] for _ in toks]
    for first, last, match in _phrase_tokens(toks, phrases):
        for i in range(first, last + 1):
            prefix = "B" if i == first else "I"
            for label, share in match.shares[:3]:
                evidence[i].append(f"lex={prefix}-{label}")
                evidence[i].append(f"lex_share={prefix}-{label}:{_share_bucket(share)}")
    for name, pattern in regexes:
        for hit in pattern.finditer(text):
            for i, t in enumerate(toks):
                if t.start < hit.end() and hit.start() < t.end:
                    evidence[i].append(f"re={name}")
    out = []
    n = len(toks)
    outer_words = _outer_context(folded, toks, phrases, outer) if outer > 0 else None
    opening = [f"first={folded[0]}", f"first2={'_'.join(folded[:2])}"] if n and wide else []
    for i in range(n):
        f, w = folded[i], lower[i]
        features = [
            "bias",
            f"w={w}",
            f"f={f}",
            f"shape={_shape(toks[i].text)}",
            f"p2={f[:2]}",
            f"p3={f[:3]}",
            f"s2={f[-2:]}",
            f"s3={f[-3:]}",
            f"len={min(len(f), 6)}",
            *evidence[i],
        ]
        if i == 0:
            features.append("BOS")
        if i == n - 1:
            features.append("EOS")
        for offset in range(-_WINDOW, _WINDOW + 1):
            j = i + offset
            if offset == 0:
                continue
            if 0 <= j < n:
                features.append(f"{offset}:f={folded[j]}")
                if abs(offset) == 1:
                    features.append(f"{offset}:shape={_shape(toks[j].text)}")
                    features.extend(f"{offset}:{e}" for e in evidence[j] if e.startswith("lex="))
            else:
                features.append(f"{offset}:pad")
        features.extend(opening)
        if outer_words is not None:
            features.extend(outer_words[i])
        if wide:
            features.extend(sorted({f"L={folded[j]}" for j in range(max(0, i - _BAG), i - _WINDOW)}))
            features.extend(sorted({f"R={folded[j]}" for j in range(i + _WINDOW + 1, min(n, i + _BAG + 1))}))
        if i > 0:
            features.append(f"-1|0={folded[i - 1]}_{f}")
        if i + 1 < n:
            features.append(f"0|1={f}_{folded[i + 1]}")
        if i > 1:
            features.append(f"-2|-1={folded[i - 2]}_{folded[i - 1]}")
        if i + 2 < n:
            features.append(f"1|2={folded[i + 1]}_{folded[i + 2]}")
        out.append(features)
    return out


def _phrase_tokens(toks: list[Token], phrases: list[PhraseMatch]) -> list[tuple[int, int, PhraseMatch]]:
    """Each phrase found with its first and last token (phrases not on token boundaries left out)."""
    starts = {t.start: i for i, t in enumerate(toks)}
    ends = {t.end: i for i, t in enumerate(toks)}
    out = []
    for match in phrases:
        first, last = starts.get(match.start), ends.get(match.end)
        if first is not None and last is not None:
            out.append((first, last, match))
    return out


def _outer_context(
    folded: list[str], toks: list[Token], phrases: list[PhraseMatch], size: int
) -> list[list[str]]:
    """Per token, the ``size`` nearest words left and right that lie outside every phrase (a token
    in a phrase looks out from the phrase's ends), and the nearest pair on each side."""
    n = len(toks)
    span_of = list(range(n)), list(range(n))  # first and last token of the unit each token is in
    covered = [False] * n
    for first, last, _ in _phrase_tokens(toks, phrases):
        for i in range(first, last + 1):
            covered[i] = True
            span_of[0][i], span_of[1][i] = first, last
    out: list[list[str]] = []
    for i in range(n):
        left = [folded[j] for j in range(span_of[0][i] - 1, -1, -1) if not covered[j]][:size]
        right = [folded[j] for j in range(span_of[1][i] + 1, n) if not covered[j]][:size]
        features = [f"oL{k + 1}={w}" for k, w in enumerate(left)]
        features += [f"oR{k + 1}={w}" for k, w in enumerate(right)]
        if len(left) > 1:
            features.append(f"oL12={left[0]}_{left[1]}")
        if len(right) > 1:
            features.append(f"oR12={right[0]}_{right[1]}")
        out.append(features)
    return out
