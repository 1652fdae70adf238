"""Normalizer and tokenizer components."""

from __future__ import annotations

from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.message import Message
from nlu.normalize import Abbreviations, Normalizer
from nlu.tokenize import words
from nlu.training_data import TrainingData

__all__ = ["VietnameseNormalizer", "VietnameseTokenizer"]


class VietnameseNormalizer:
    """Fills ``original``, ``normalized`` and ``folded`` (see ``nlu.normalize``).

    The project's abbreviation table expands "tctn" in the project's own data (``abbreviations:
    project``, the default); a model trained on another data set uses it only with
    ``abbreviations: always`` in its pipeline config, never with ``never``.
    """

    name: ClassVar[str] = "VietnameseNormalizer"

    def __init__(self, abbreviations: str = "project", **options: Any) -> None:
        if abbreviations not in ("project", "always", "never"):
            raise ValueError(f"VietnameseNormalizer abbreviations must be project, always or never, not {abbreviations!r}")
        self.abbreviations_mode = abbreviations
        self._normalizer = Normalizer(Abbreviations({}))

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        use = self.abbreviations_mode == "always" or (self.abbreviations_mode == "project" and context.project_data)
        self._normalizer = Normalizer(context.abbreviations if use else Abbreviations({}))

    @property
    def abbreviations(self) -> Abbreviations:
        return self._normalizer.abbreviations

    def process(self, message: Message) -> None:
        text = self._normalizer(message.text)
        message.original, message.normalized, message.folded = text.original, text.normalized, text.folded


class VietnameseTokenizer:
    """Word segmentation of the normalized text with underthesea (``giấy_phép lao_động``)."""

    name: ClassVar[str] = "VietnameseTokenizer"

    def __init__(self, **options: Any) -> None:
        pass

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        pass

    def process(self, message: Message) -> None:
        message.tokens = words(message.normalized)
