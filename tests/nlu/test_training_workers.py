"""Training components in forked workers gives the model sequential training gives."""

from __future__ import annotations

import pytest

from nlu import training_workers
from nlu.interpreter import Interpreter
from nlu.normalize import Abbreviations
from nlu.training_data import load_nlu_data

PIPELINE = [
    {"name": "VietnameseNormalizer"},
    {"name": "VietnameseTokenizer"},
    {"name": "LookupEntityExtractor"},
    {"name": "CRFEntityExtractor"},
    {"name": "IntentClassifier"},
]
DATA = {
    "nlu": [
        {"intent": "order_food", "examples": "\n".join(
            f"- {t}" for t in [
                "cho tôi một [phở bò](dish)", "tôi muốn đặt [bún chả](dish)", "đặt giúp em [cơm tấm](dish)",
                "cho hai suất [phở bò](dish) nhé", "mình gọi [bún chả](dish) nha", "lấy cho tôi [cơm tấm](dish)",
            ])},
        {"intent": "ask_price", "examples": "\n".join(
            f"- {t}" for t in [
                "bao nhiêu tiền", "giá thế nào", "[phở bò](dish) giá bao nhiêu", "hết bao nhiêu vậy",
                "tính tiền giúp", "giá [cơm tấm](dish) là mấy",
            ])},
        {"intent": "greet", "examples": "- chào\n- xin chào\n- chào quán\n- hello\n- chào buổi sáng\n- hi em\n"},
    ]
}
TEXTS = ["cho tôi một phở bò", "gia com tam bao nhieu", "chào em", "bún chả giá bao nhiêu"]


def _parses(model: Interpreter) -> list[dict[str, object]]:
    return [model.parse(text).as_parse_result() for text in TEXTS]


def _train() -> Interpreter:
    return Interpreter.train(PIPELINE, load_nlu_data(DATA), abbreviations=Abbreviations({}), catalogue=[],
                             model_fingerprint="food")


def test_workers_train_the_same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_workers, "PARALLEL_FROM_EXAMPLES", 10**9)
    sequential = _train()
    monkeypatch.setattr(training_workers, "PARALLEL_FROM_EXAMPLES", 0)
    monkeypatch.setattr(training_workers, "_workers", lambda: 2)
    parallel = _train()
    assert [c.name for c in parallel.components] == [spec["name"] for spec in PIPELINE]
    assert _parses(parallel) == _parses(sequential)
    assert _parses(parallel)[0]["intent"]["name"] == "order_food"  # type: ignore[index]


def test_a_failing_component_fails_the_training(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_workers, "PARALLEL_FROM_EXAMPLES", 0)
    monkeypatch.setattr(training_workers, "_workers", lambda: 2)
    one_intent = {"nlu": [{"intent": "greet", "examples": "- chào\n- xin chào\n"}]}
    with pytest.raises(ValueError, match="at least two intents"):
        Interpreter.train(PIPELINE, load_nlu_data(one_intent), abbreviations=Abbreviations({}), catalogue=[],
                          model_fingerprint="x")
