"""The fitted intent model as plain arrays, and the features it reads.

Training uses scikit-learn (TF-IDF + logistic regression, see ``intent_classifier``); serving needs
only these arrays and numpy, so a running assistant never imports scikit-learn (≈70 MB less) and a
parse skips sklearn's per-call validation (≈1 ms less).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Block", "LinearIntentModel", "char_wb_ngrams", "with_ngrams"]

_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, as sklearn's ``char_wb``:
    ``"ho so"`` (2, 3) → ``[" h", "ho", "o ", " ho", "ho ", " s", ...]``."""
    low, high = ngram_range
    out: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            out.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                out.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return out


def with_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """Tokens and their joined n-grams: ``["giay", "phep"]`` (1, 2) → ``["giay", "phep", "giay|phep"]``."""
    out = list(tokens) if ngram_range[0] <= 1 else []
    for n in range(max(2, ngram_range[0]), ngram_range[1] + 1):
        out.extend("|".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


@dataclass(frozen=True, slots=True)
class Block:
    """One group of sublinear TF-IDF features, L2-normalised on its own, then scaled."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    scale: float


@dataclass(frozen=True, slots=True)
class LinearIntentModel:
    labels: list[str]
    blocks: list[Block]
    # (n_features, n_labels), float32: half the memory of sklearn's float64 (the procedure
    # classifier's is 50,000 × 82); a logit moves by about 1e-7 of its size, no prediction with it.
    weights: np.ndarray
    intercept: np.ndarray  # (n_labels,)

    def logits(self, items_per_block: list[list[str]]) -> np.ndarray:
        indices: list[int] = []
        values: list[float] = []
        offset = 0
        for block, items in zip(self.blocks, items_per_block, strict=True):
            counts: dict[int, int] = {}
            for item in items:
                column = block.vocabulary.get(item)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if counts:
                columns = np.fromiter(counts, dtype=np.int64)
                row = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * block.idf[columns]
                row *= block.scale / np.linalg.norm(row)
                indices.extend((columns + offset).tolist())
                values.extend(row.tolist())
            offset += len(block.vocabulary)
        logits: np.ndarray = self.intercept.copy()
        if indices:
            logits += np.asarray(values) @ self.weights[np.asarray(indices)]
        if len(self.labels) == 2 and logits.shape[0] == 1:  # sklearn's binary form: one margin
            logits = np.array([-logits[0], logits[0]])
        return logits

    @classmethod
    def from_sklearn(cls, vectorizers: list[tuple[Any, float]], model: Any) -> LinearIntentModel:
        blocks = [
            Block({str(k): int(v) for k, v in vectorizer.vocabulary_.items()}, np.asarray(vectorizer.idf_), scale)
            for vectorizer, scale in vectorizers
        ]
        return cls(
            labels=[str(label) for label in model.classes_],
            blocks=blocks,
            weights=np.ascontiguousarray(np.asarray(model.coef_).T, dtype=np.float32),
            intercept=np.asarray(model.intercept_, dtype=np.float64),
        )
