"""Word segmentation with underthesea: ``"giấy phép lao động"`` → ``["giấy phép", "lao động"]``.

underthesea keeps its CRF model in a module global and publishes that global *before* loading the
model into it, so two threads segmenting for the first time at once crash the second one
(``AttributeError`` on a half-built tagger). The first segmentation therefore runs once, under a
lock (``warm_up``); after it the global is complete and every thread may call underthesea freely.
The service calls ``warm_up`` before it accepts requests.

Only the segmenter is imported, not the package: ``import underthesea`` also loads its tagging,
NER, classification, translation and address modules (≈ 57 MB resident in a server that only
segments). Training segments thousands of texts, many of them twice (the intent and the
procedure classifier read the same folded examples): inside ``segmentation_memo()`` every text is
segmented once, and the memo is dropped when training ends, so a server's memory does not grow.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from nlu.normalize import fold

__all__ = ["SYLLABLE", "segmentation_memo", "syllables", "warm_up", "words"]

SYLLABLE = re.compile(r"\w+", re.UNICODE)

_load_lock = threading.Lock()
_word_tokenize: Callable[[str], list[str]] | None = None
_memo: dict[str, tuple[str, ...]] | None = None


def syllables(text: str) -> list[str]:
    """Split on anything that is not a letter or digit."""
    return SYLLABLE.findall(text)


def folded_syllables(text: str) -> str:
    """The text without diacritics, its syllables one space apart, punctuation gone: what wording
    patterns are matched on ("Nộp 2 tuần rồi, chưa thấy gì!" → "nop 2 tuan roi chua thay gi")."""
    return " ".join(syllables(fold(text)))


def warm_up() -> Callable[[str], list[str]]:
    """Import underthesea and load its model, once for the process, whatever the number of threads."""
    global _word_tokenize
    loaded = _word_tokenize
    if loaded is not None:
        return loaded
    with _load_lock:
        if _word_tokenize is None:
            word_tokenize = _import_word_tokenize()  # imported lazily: it costs ~0.4 s
            word_tokenize("khởi động")  # loads the CRF model into underthesea's global
            _word_tokenize = word_tokenize
        return _word_tokenize


def _import_word_tokenize() -> Callable[[str], list[str]]:
    """underthesea's ``word_tokenize`` without running the package's ``__init__``, which imports
    every pipeline it has. The package module is stood in for while the segmenter's modules load,
    then removed: a later ``import underthesea`` runs the real one and reuses those modules."""
    if "underthesea" in sys.modules:
        from underthesea import word_tokenize

        return word_tokenize  # type: ignore[no-any-return]
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("underthesea is not installed")
    stand_in = types.ModuleType("underthesea")
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules["underthesea"] = stand_in
    try:
        # text_normalize and word_tokenize import each other: the package loads text_normalize first.
        # The tagger module is imported by the first segmentation (the model load): now, while the
        # stand-in is there.
        for name in ("pipeline.text_normalize", "pipeline.word_tokenize", "models.fast_crf_sequence_tagger"):
            importlib.import_module(f"underthesea.{name}")
        word_tokenize: Callable[[str], list[str]] = sys.modules["underthesea.pipeline.word_tokenize"].word_tokenize
    finally:
        del sys.modules["underthesea"]
    return word_tokenize


@lru_cache(maxsize=4096)
def _segment(text: str) -> tuple[str, ...]:
    return tuple(warm_up()(text))


def _segment_once(text: str) -> tuple[str, ...]:
    memo = _memo
    if memo is None:
        return _segment(text)
    segmented = memo.get(text)
    if segmented is None:
        segmented = memo[text] = _segment(text)
    return segmented


@contextmanager
def segmentation_memo() -> Iterator[None]:
    """Within it, each distinct text is segmented once however often it is asked (training);
    outside it, the usual bounded cache serves."""
    global _memo
    outer = _memo
    if outer is None:
        _memo = {}
    try:
        yield
    finally:
        if outer is None:
            _memo = None


def words(text: str) -> list[str]:
    """Compound words joined by ``_`` (``giấy_phép``), punctuation dropped."""
    if not text.strip():
        return []
    return [w.replace(" ", "_") for w in _segment_once(text[:2000]) if SYLLABLE.search(w)]
