"""Entities with a fixed shape: dossier codes, 12-digit CCCD numbers, Vietnamese phone numbers.

Extra patterns come from the training data's ``regex:`` blocks, named after the entity they find.
The built-in patterns run only for entity types the training data annotates (``builtin: auto``), so
a model trained on someone else's data set never reports dvcbot's entity types unasked.
Values are canonical so the dialogue compares like with like: ``"000.00.15.h29-240312-0042"`` →
``"000.00.15.H29-240312-0042"``; ``"0912 345 678"`` → ``"0912345678"``; ``"+84912345678"`` → ``"0912345678"``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.message import Entity, Message
from nlu.training_data import TrainingData

__all__ = ["DOSSIER_CODE_PATTERN", "RegexEntityExtractor", "canonical_dossier_code", "canonical_phone"]

# Mã hồ sơ on the one-stop systems: agency 000.00.15 + province/sector letter-number + yymmdd + serial.
DOSSIER_CODE_PATTERN = (
    r"(?<![\w.])\d{3}[.\s]?\d{2}[.\s]?\d{2}[.\s]?[A-Za-z]\d{2}(?:\s*-\s*|\s+)?\d{6}(?:\s*-\s*|\s+)?\d{4}(?![\w])"
)
_ID_NUMBER = r"(?<![\d+])\d{12}(?!\d)"
_PHONE = r"(?<![\d+])(?:\+84[\s.]?|0)(?:\d[\s.]?){8,9}\d(?![\d])"


def canonical_dossier_code(raw: str) -> str:
    compact = re.sub(r"[\s.\-]", "", raw).upper()
    if len(compact) != 20:
        return raw.strip().upper()
    return f"{compact[0:3]}.{compact[3:5]}.{compact[5:7]}.{compact[7:10]}-{compact[10:16]}-{compact[16:20]}"


def canonical_phone(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("84") and raw.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


class RegexEntityExtractor:
    name: ClassVar[str] = "RegexEntityExtractor"

    def __init__(self, dossier_code_pattern: str = DOSSIER_CODE_PATTERN, builtin: str = "auto", **options: Any) -> None:
        if builtin not in ("auto", "always", "never"):
            raise ValueError(f"RegexEntityExtractor builtin must be auto, always or never, not {builtin!r}")
        self.builtin = builtin
        self._builtin_patterns: list[tuple[str, re.Pattern[str]]] = [
            ("dossier_code", re.compile(dossier_code_pattern)),
            ("id_number", re.compile(_ID_NUMBER)),
            ("phone_number", re.compile(_PHONE)),
        ]
        self._patterns = list(self._builtin_patterns) if builtin == "always" else []

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        if self.builtin == "auto":
            annotated = {span.entity for example in data.examples for span in example.entities}
            self._patterns = [(name, pattern) for name, pattern in self._builtin_patterns if name in annotated]
        known = {name for name, _ in self._patterns}
        for entity, patterns in data.regexes.items():
            if entity in known:
                continue
            for pattern in patterns:
                try:
                    self._patterns.append((entity, re.compile(pattern)))
                except re.error:
                    continue  # a pattern in another dialect is skipped, not fatal

    def process(self, message: Message) -> None:
        taken: list[tuple[int, int]] = [(e.start, e.end) for e in message.entities]
        for entity, pattern in self._patterns:
            for match in pattern.finditer(message.original):
                start, end = match.span()
                surface = match.group(0)
                stripped = surface.rstrip()
                end -= len(surface) - len(stripped)
                if any(start < t_end and t_start < end for t_start, t_end in taken):
                    continue
                taken.append((start, end))
                message.entities.append(
                    Entity(entity, _canonical(entity, stripped), start, end, 1.0, self.name)
                )


def _canonical(entity: str, surface: str) -> str:
    if entity == "dossier_code":
        return canonical_dossier_code(surface)
    if entity == "phone_number":
        return canonical_phone(surface)
    return surface
