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
    """Fills ``original``, ``normalized`` and ``folded`` (see ``nlu.normalize``)."""

    name: ClassVar[str] = "VietnameseNormalizer"

    def __init__(self, **options: Any) -> None:
        self._normalizer = Normalizer(Abbreviations({}))

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self._normalizer = Normalizer(context.abbreviations)

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
