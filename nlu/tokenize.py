"""Word segmentation with underthesea: ``"giấy phép lao động"`` → ``["giấy phép", "lao động"]``.

underthesea keeps its CRF model in a module global and publishes that global *before* loading the
model into it, so two threads segmenting for the first time at once crash the second one
(``AttributeError`` on a half-built tagger). The first segmentation therefore runs once, under a
lock (``warm_up``); after it the global is complete and every thread may call underthesea freely.
The service calls ``warm_up`` before it accepts requests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

__all__ = ["SYLLABLE", "syllables", "warm_up", "words"]

SYLLABLE = re.compile(r"\w+", re.UNICODE)

_load_lock = threading.Lock()
_word_tokenize: Callable[[str], list[str]] | None = None


def syllables(text: str) -> list[str]:
    """Split on anything that is not a letter or digit."""
    return SYLLABLE.findall(text)


def warm_up() -> Callable[[str], list[str]]:
    """Import underthesea and load its model, once for the process, whatever the number of threads."""
    global _word_tokenize
    loaded = _word_tokenize
    if loaded is not None:
        return loaded
    with _load_lock:
        if _word_tokenize is None:
            from underthesea import word_tokenize  # imported lazily: it costs ~0.4 s

            word_tokenize("khởi động")  # loads the CRF model into underthesea's global
            _word_tokenize = word_tokenize
        return _word_tokenize


@lru_cache(maxsize=4096)
def _segment(text: str) -> tuple[str, ...]:
    return tuple(warm_up()(text))


def words(text: str) -> list[str]:
    """Compound words joined by ``_`` (``giấy_phép``), punctuation dropped."""
    if not text.strip():
        return []
    return [w.replace(" ", "_") for w in _segment(text[:2000]) if SYLLABLE.search(w)]
