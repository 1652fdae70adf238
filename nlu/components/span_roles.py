"""Rasa entity roles read from the whole sentence: a linear model over each tagged span.

``từ [Hà Nội]{"entity": "city", "role": "from"} ... hạ cánh ở [Huế]{"entity": "city", "role": "to"}
[vào buổi sáng]{"entity": "period", "role": "arrive"}``: which role a span plays is often decided
far from it ("hạ cánh" five words back, past a city) and by the other spans ("the second city of
'giữa X và Y'"). A sequence model sees a few words each side; this model sees, for one span, its
entity type and words, the words around it by distance (near ones by position, far ones as a bag by
side), the nearest words outside every other span, the types of the spans before and after it and
how many of its own type came before. ``CRFEntityExtractor role_model: span`` uses it: the CRF tags
types, this model gives each span its role and group.

Trained with scikit-learn's logistic regression; served from plain arrays (like ``intent_model``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SpanRoleModel", "span_features"]

NO_ROLE = ""  # the label of a span without role or group
_NEAR = 3  # words each side by position
_FAR = 10  # words up to this far each side, as a bag
_OUTER = 3  # nearest words outside every span, each side


def span_features(
    words: list[str],
    spans: list[tuple[int, int, str]],
    index: int,
    roles: list[str] | None = None,
) -> list[str]:
    """Features of ``spans[index]`` (first token, last token, entity type) in folded ``words``;
    ``spans`` in order, not overlapping. ``roles``: the role labels of the spans before it (gold
    ones in training, the ones this model gave when reading left to right); with them the span also
    sees the role of the previous span and of the previous span of its own type ("từ X đến Y": Y
    follows an origin), and the sentence's words outside every span as a bag ("hạ cánh" anywhere
    makes a time an arrival)."""
    first, last, entity = spans[index]
    n = len(words)
    inside = [False] * n
    for a, b, _ in spans:
        for i in range(a, b + 1):
            inside[i] = True
    features = [f"type={entity}", f"first={words[0]}" if words else "first="]
    features += [f"in={w}" for w in words[first : last + 1]]
    for d in range(1, _FAR + 1):
        left, right = first - d, last + d
        if left >= 0:
            features.append(f"L{d}={words[left]}" if d <= _NEAR else f"Lfar={words[left]}")
        if right < n:
            features.append(f"R{d}={words[right]}" if d <= _NEAR else f"Rfar={words[right]}")
    outer_left = [words[j] for j in range(first - 1, -1, -1) if not inside[j]][:_OUTER]
    outer_right = [words[j] for j in range(last + 1, n) if not inside[j]][:_OUTER]
    features += [f"oL{k}={w}" for k, w in enumerate(outer_left, 1)]
    features += [f"oR{k}={w}" for k, w in enumerate(outer_right, 1)]
    if len(outer_left) > 1:
        features.append(f"oL12={outer_left[0]}_{outer_left[1]}")
    same_before = sum(1 for _, _, other in spans[:index] if other == entity)
    features.append(f"same_before={min(same_before, 3)}")
    features.append(f"same_after={min(sum(1 for _, _, o in spans[index + 1 :] if o == entity), 3)}")
    features.append(f"prev_type={spans[index - 1][2] if index > 0 else '^'}")
    features.append(f"next_type={spans[index + 1][2] if index + 1 < len(spans) else '$'}")
    features.append(f"type_oL1={entity}|{outer_left[0] if outer_left else '^'}")
    if roles is not None:
        features.append(f"prev_role={roles[index - 1] if index > 0 else '^'}")
        same = [roles[k] for k in range(index - 1, -1, -1) if spans[k][2] == entity]
        features.append(f"prev_same_role={same[0] if same else '^'}")
        features.append(f"type_prev_same_role={entity}|{same[0] if same else '^'}")
        if len(outer_left) > 1:
            features.append(f"type_oL12={entity}|{outer_left[0]}_{outer_left[1]}")
        features += sorted({f"S={words[j]}" for j in range(n) if not inside[j]})
    return features


@dataclass(frozen=True, slots=True)
class SpanRoleModel:
    """Per entity type, the roles it was annotated with; a linear scorer over span features."""

    labels: list[str]  # role labels, NO_ROLE included
    vocabulary: dict[str, int]
    weights: np.ndarray  # features × labels
    bias: np.ndarray  # labels
    allowed: dict[str, np.ndarray]  # entity type -> mask of the labels seen with it

    @classmethod
    def fit(cls, rows: list[tuple[list[str], str, str]], C: float = 4.0) -> SpanRoleModel:
        """``rows``: (features, entity type, role label)."""
        by_type: dict[str, set[str]] = {}
        for _, entity, label in rows:
            by_type.setdefault(entity, set()).add(label)
        labels = sorted({label for _, _, label in rows} | {NO_ROLE})
        allowed = {entity: np.array([c in seen for c in labels]) for entity, seen in by_type.items()}
        trainable = [row for row in rows if len(by_type[row[1]]) > 1]
        if len({label for _, _, label in trainable}) < 2:  # every type has one role: nothing to learn
            return cls(labels, {}, np.zeros((0, len(labels))), np.zeros(len(labels)), allowed)
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform([dict.fromkeys(features, 1.0) for features, _, _ in trainable])
        model = LogisticRegression(C=C, max_iter=2000, tol=1e-3)
        model.fit(matrix, [label for _, _, label in trainable])
        weights, bias = np.zeros((matrix.shape[1], len(labels))), np.full(len(labels), -1e3)
        columns = [labels.index(str(c)) for c in model.classes_]
        if len(columns) == 2:  # sklearn keeps one weight vector for two classes: class 1 against 0
            weights[:, columns[1]], bias[columns[1]] = model.coef_[0], model.intercept_[0]
            bias[columns[0]] = 0.0
        else:
            weights[:, columns], bias[columns] = model.coef_.T, model.intercept_
        return cls(labels, dict(vectorizer.vocabulary_), weights, bias, allowed)

    def role(self, features: list[str], entity: str) -> tuple[str, float]:
        """The likeliest role label of a span of ``entity`` among those seen with it, and its
        probability (softmax over those)."""
        mask = self.allowed.get(entity)
        if mask is None:
            return NO_ROLE, 1.0
        if mask.sum() == 1:
            return self.labels[int(np.argmax(mask))], 1.0
        columns = [self.vocabulary[f] for f in features if f in self.vocabulary]
        scores = self.bias + (self.weights[columns].sum(axis=0) if columns else 0.0)
        scores = np.where(mask, scores, -np.inf)
        scores = scores - scores.max()
        probs = np.exp(scores) / np.exp(scores).sum()
        best = int(np.argmax(probs))
        return self.labels[best], float(probs[best])
