"""Citizens' messages about one procedure each, for learning which procedure a message is about.

``procedure_questions: [{procedure: CODE, aspect: ..., text: "..."}]`` in the files listed under
``procedure_questions:`` in ``config.yml``, written by writers who never saw the test sets. Only the
procedure classifier learns from them (``nlu/components/procedure_classifier.py``): they carry no
span annotation, so they must not teach the resolver's question wording.

``other_procedure_questions: [{topic: "...", text: "..."}]`` (files under ``other_procedure_questions:``)
are the same kind of messages about real procedures the catalogue does not hold: held-out negatives for
the benches (``bench/procedure_classifier.py``), long stories among them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

__all__ = ["load_other_procedure_questions", "load_procedure_questions"]


def load_procedure_questions(paths: list[Path]) -> list[tuple[str, str]]:
    """``(text, code)`` pairs; missing files are skipped, a malformed entry names its file."""
    return [(text, str(item["procedure"])) for text, item in _messages(paths, "procedure_questions", "procedure")]


def load_other_procedure_questions(paths: list[Path]) -> list[str]:
    """The messages' texts; missing files are skipped, a malformed entry names its file."""
    return [text for text, _ in _messages(paths, "other_procedure_questions")]


def _messages(paths: list[Path], key: str, *needed: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of the ``key`` list of every file that exists, as (its text, the entry), checked
    to have a text and the ``needed`` fields."""
    for path in paths:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for number, item in enumerate(data.get(key) or [], start=1):
            if not isinstance(item, dict) or not all(item.get(name) for name in needed) or not str(item.get("text") or "").strip():
                raise ValueError(f"{path}: entry {number} needs {' and '.join(repr(n) for n in (*needed, 'text'))}")
            yield str(item["text"]).strip(), item
