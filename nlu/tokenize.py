"""Word segmentation with underthesea: ``"giấy phép lao động"`` → ``["giấy phép", "lao động"]``."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SYLLABLE", "syllables", "words"]

SYLLABLE = re.compile(r"\w+", re.UNICODE)


def syllables(text: str) -> list[str]:
    """Split on anything that is not a letter or digit."""
    return SYLLABLE.findall(text)


@lru_cache(maxsize=4096)
def _segment(text: str) -> tuple[str, ...]:
    from underthesea import word_tokenize  # imported lazily: it costs ~0.4 s

    return tuple(word_tokenize(text))


def words(text: str) -> list[str]:
    """Compound words joined by ``_`` (``giấy_phép``), punctuation dropped."""
    if not text.strip():
        return []
    return [w.replace(" ", "_") for w in _segment(text[:2000]) if SYLLABLE.search(w)]
