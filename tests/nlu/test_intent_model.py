"""The serving path of the intent model equals scikit-learn's on the same fitted weights."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.components.intent_model import LinearIntentModel, char_wb_ngrams

TEXTS = ["ho so gom gi", "le phi bao nhieu", "nop o dau", "xin chao", "ho so  can   gi a", "phi"]


@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 5), (3, 3)])
def test_char_ngrams_match_sklearn(ngram_range: tuple[int, int]) -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range).build_analyzer()
    for text in TEXTS:
        assert char_wb_ngrams(text, ngram_range) == analyzer(text)


@pytest.mark.parametrize("labels", [["docs", "fee", "where", "greet", "docs", "fee"], ["a", "b", "a", "b", "a", "b"]])
def test_logits_match_decision_function(labels: list[str]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform(TEXTS)
    model = LogisticRegression(C=4.0, max_iter=500).fit(matrix, labels)
    fast = LinearIntentModel.from_sklearn([(vectorizer, 1.0)], model)
    for text in TEXTS:
        expected = np.atleast_1d(model.decision_function(vectorizer.transform([text]))[0])
        got = fast.logits([char_wb_ngrams(text, (2, 4))])
        if len(labels) and len(set(labels)) == 2:
            assert got[1] == pytest.approx(expected[0]) and got[0] == pytest.approx(-expected[0])
        else:
            assert got == pytest.approx(expected)
