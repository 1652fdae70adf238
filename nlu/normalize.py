"""Vietnamese text normalization: Unicode NFC, tone-mark placement, abbreviations, diacritic folding.

Three forms of one message travel together (see ``NormalizedText``): the NFC original (offsets of
entities refer to it), the normalized form (tones placed the modern way, teencode expanded:
``"ho so tctn gồm j"`` → ``"ho so trợ cấp thất nghiệp gồm gì"``) and its diacritic-free ``folded``
form used for features and matching, so "thu tuc" and "thủ tục" meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Abbreviations", "NormalizedText", "Normalizer", "fold", "nfc", "place_tones"]

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def nfc(text: str) -> str:
    """Compose decomposed input (``"hoa\\u0300"`` → ``"hoà"``) and drop control characters."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text))


def _fold_char(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:
        lower = char
    if lower == "đ":
        return "d"
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() else lower


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each code point the first time it is seen: a message
    holds a few dozen distinct characters, so a text is folded in one C-level pass."""

    def __missing__(self, code_point: int) -> str:
        folded = self[code_point] = _fold_char(chr(code_point))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and remove diacritics, keeping length: ``"Đảm bảo"`` → ``"dam bao"``.

    Each NFC character maps to exactly one character, so offsets in the folded text are offsets in
    the NFC text.
    """
    return text.translate(_FOLD_TABLE)


# Old-style tone placement ("hoà", "thuý", "quỳ" stays) → the placement underthesea and most
# keyboards produce today ("hòa", "thúy"). Only the oa/oe/uy rimes without a final consonant move.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_RIMES = re.compile(r"(?i)(o)([àáảãạ])(?![a-zđ])|(o)([èéẻẽẹ])(?![a-zđ])|(u)([ỳýỷỹỵ])(?![a-zđ])")


def _move_tone(match: re.Match[str]) -> str:
    first = match.group(1) or match.group(3) or match.group(5)
    vowel = match.group(2) or match.group(4) or match.group(6)
    decomposed = unicodedata.normalize("NFD", vowel)
    tone = "".join(c for c in decomposed if c in _TONES)
    bare = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", first + tone) + bare


def place_tones(text: str) -> str:
    """``"hoà"`` → ``"hòa"``, ``"thuý"`` → ``"thúy"``; other syllables unchanged.

    ``quý``/``quà`` are spared: after ``q`` the ``u`` is part of the onset, not the rime.
    """
    def guarded(match: re.Match[str]) -> str:
        start = match.start()
        if start > 0 and text[start - 1] in "qQ":
            return match.group(0)
        return _move_tone(match)

    return _OLD_RIMES.sub(guarded, text)


class Abbreviations:
    """Whole-word expansions from a YAML table: ``gplđ`` → ``giấy phép lao động``.

    Keys are matched on the folded form, so ``gpld`` and ``gplđ`` share an entry. Tokens with two
    readings (``ambiguous:`` in the table: ``tn`` → thất nghiệp or tuổi) are read by ``reading`` only
    once ``learned`` has seen the words around each reading (``nlu.abbreviation_contexts``), and then
    only where their neighbours say which.
    """

    def __init__(self, table: dict[str, str], ambiguous: dict[str, list[str]] | None = None) -> None:
        from nlu.abbreviation_contexts import AbbreviationContexts  # it reads fold() from here

        self._table = {fold(nfc(k)).strip(): nfc(v) for k, v in table.items() if str(k).strip()}
        self._contexts: AbbreviationContexts | None = AbbreviationContexts(ambiguous) if ambiguous else None

    @classmethod
    def from_file(cls, path: Path) -> Abbreviations:
        if not path.exists():
            return cls({})
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        ambiguous = {str(k): [str(r) for r in v or []] for k, v in (data.get("ambiguous") or {}).items()}
        return cls({str(k): str(v) for k, v in (data.get("abbreviations") or {}).items()}, ambiguous)

    def learned(self, texts: Iterable[str]) -> Abbreviations:
        """A copy whose ambiguous tokens are read by the neighbours their readings have in ``texts``."""
        copy = Abbreviations(self._table)
        contexts = getattr(self, "_contexts", None)
        copy._contexts = None if contexts is None else type(contexts)(contexts.readings).learn(texts)
        return copy

    @property
    def table(self) -> dict[str, str]:
        return dict(self._table)

    def get(self, folded_word: str) -> str | None:
        """The expansion of one folded word, if it is an abbreviation with one reading."""
        return self._table.get(folded_word)

    def reading(self, folded_words: Sequence[str], index: int) -> str | None:
        """The expansion of ``folded_words[index]`` in its place: its one reading, or the reading of
        an ambiguous token that its neighbours choose."""
        word = folded_words[index]
        found = self._table.get(word)
        contexts = getattr(self, "_contexts", None)  # models pickled before it had none
        if found is None and contexts is not None:
            found = contexts.choose(word, folded_words, index)
        return found

    def expand(self, text: str) -> str:
        """Expansions with one reading only: the classifiers learn ambiguous tokens as citizens type
        them ("bh", "tn" in their own messages); retrieval, whose names never hold them, reads them
        in place (``reading``, used by ``nlu.procedure_index.query_tokens``)."""
        if not self._table:
            return text
        return _WORD.sub(lambda m: self._table.get(fold(m.group(0)), m.group(0)), text)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    normalized: str
    folded: str


class Normalizer:
    """NFC → tone placement → abbreviations → lower case; plus the folded form."""

    def __init__(self, abbreviations: Abbreviations) -> None:
        self.abbreviations = abbreviations

    def __call__(self, text: str) -> NormalizedText:
        original = nfc(text)
        normalized = place_tones(original)
        normalized = self.abbreviations.expand(normalized).lower()
        normalized = _SPACES.sub(" ", normalized).strip()
        return NormalizedText(original=original, normalized=normalized, folded=fold(normalized))
