"""Scores a model on a Rasa NLU YAML test file: the ``dvcbot test nlu`` report.

Entities count as right when entity type and value match and the spans overlap (procedure spans
are where the resolver found the words, which may differ from the annotator's by a word or two).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from nlu.components.regex_entities import canonical_dossier_code, canonical_phone
from nlu.interpreter import Interpreter
from nlu.normalize import fold
from nlu.training_data import EntitySpan, Example

__all__ = ["cross_validate", "evaluate", "score_predictions"]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _canonical(entity: str, value: str) -> str:
    """Values compared as the bot uses them: "+84 912 345 678" and "0912345678" are one number."""
    if entity == "phone_number":
        return canonical_phone(value)
    if entity == "dossier_code":
        return canonical_dossier_code(value)
    return fold(value).replace(" ", "")


def _same(gold: EntitySpan, predicted: dict[str, Any]) -> bool:
    return (
        gold.entity == predicted["entity"]
        and _canonical(gold.entity, str(gold.value)) == _canonical(gold.entity, str(predicted["value"]))
        and predicted["start"] < gold.end
        and gold.start < predicted["end"]
    )


def _has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def evaluate(interpreter: Interpreter, examples: list[Example]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns the report and the parse result of every example, in order."""
    predictions = [interpreter.parse(example.text).as_parse_result() for example in examples]
    return score_predictions(examples, predictions), predictions


def score_predictions(examples: list[Example], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """The report for parse results already made (one per example, same order)."""
    intent_counts: dict[str, Counter[str]] = defaultdict(Counter)
    entity_counts: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str]] = Counter()
    sentence_right = 0
    by_diacritics: dict[str, list[bool]] = {"with_diacritics": [], "without_diacritics": []}
    procedure_top1: list[bool] = []
    errors: list[dict[str, Any]] = []
    for example, result in zip(examples, predictions):
        predicted_intent = result["intent"]["name"]
        gold_intent = example.intent or ""
        intent_ok = predicted_intent == gold_intent
        by_diacritics["with_diacritics" if _has_diacritics(example.text) else "without_diacritics"].append(intent_ok)
        if intent_ok:
            intent_counts[gold_intent]["tp"] += 1
        else:
            intent_counts[gold_intent]["fn"] += 1
            intent_counts[predicted_intent]["fp"] += 1
            confusion[(gold_intent, predicted_intent)] += 1
        predicted_entities = list(result["entities"])
        entities_ok = True
        matched: set[int] = set()
        for gold in example.entities:
            hit = next((i for i, p in enumerate(predicted_entities) if i not in matched and _same(gold, p)), None)
            if hit is None:
                entity_counts[gold.entity]["fn"] += 1
                entities_ok = False
            else:
                matched.add(hit)
                entity_counts[gold.entity]["tp"] += 1
            if gold.entity == "procedure":
                procedure_top1.append(hit is not None)
        for i, predicted in enumerate(predicted_entities):
            if i not in matched:
                entity_counts[predicted["entity"]]["fp"] += 1
                entities_ok = False
        if intent_ok and entities_ok:
            sentence_right += 1
        else:
            errors.append(
                {"text": example.text, "intent": gold_intent, "predicted": predicted_intent,
                 "entities": [(e.entity, e.value) for e in example.entities],
                 "predicted_entities": [(p["entity"], p["value"]) for p in predicted_entities]}
            )
    n = len(examples)
    per_intent = {}
    for intent, counts in sorted(intent_counts.items()):
        precision, recall, f1 = _f1(counts["tp"], counts["fp"], counts["fn"])
        per_intent[intent] = {"precision": precision, "recall": recall, "f1-score": f1, "support": counts["tp"] + counts["fn"]}
    supported = {k: v for k, v in per_intent.items() if v["support"]}
    total_support = sum(v["support"] for v in supported.values()) or 1
    per_entity = {}
    totals = Counter[str]()
    for entity, counts in sorted(entity_counts.items()):
        precision, recall, f1 = _f1(counts["tp"], counts["fp"], counts["fn"])
        per_entity[entity] = {"precision": precision, "recall": recall, "f1-score": f1, "support": counts["tp"] + counts["fn"]}
        totals.update(counts)
    report = {
        "n": n,
        "intent": {
            "accuracy": sum(1 for p, e in zip(predictions, examples) if p["intent"]["name"] == e.intent) / n if n else 0.0,
            "macro_f1": sum(v["f1-score"] for v in supported.values()) / len(supported) if supported else 0.0,
            "weighted_f1": sum(v["f1-score"] * v["support"] for v in supported.values()) / total_support,
            "per_intent": per_intent,
            "accuracy_with_diacritics": _mean(by_diacritics["with_diacritics"]),
            "accuracy_without_diacritics": _mean(by_diacritics["without_diacritics"]),
            "confusions": [
                {"intent": gold, "predicted": predicted, "count": count}
                for (gold, predicted), count in confusion.most_common(10)
            ],
        },
        "entities": {"micro_f1": _f1(totals["tp"], totals["fp"], totals["fn"])[2], "per_entity": per_entity},
        "procedure_top1": _mean(procedure_top1),
        "sentence_accuracy": sentence_right / n if n else 0.0,
        "errors": errors,
    }
    return report


def _mean(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def cross_validate(
    examples: list[Example],
    train: Callable[[list[Example]], Interpreter],
    folds: int,
    seed: int = 7,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """K-fold evaluation as ``rasa test nlu --cross-validation``: every example is scored by a model
    that never saw it; folds are stratified by intent. Predictions come back in input order."""
    import random

    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_intent[example.intent or ""].append(index)
    assignment = [0] * len(examples)
    rng = random.Random(seed)
    offset = 0
    for indices in by_intent.values():
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            assignment[index] = (offset + position) % folds
        offset += len(indices)
    predictions: list[dict[str, Any] | None] = [None] * len(examples)
    for fold_number in range(folds):
        train_part = [e for e, f in zip(examples, assignment) if f != fold_number]
        held = [i for i, f in enumerate(assignment) if f == fold_number]
        interpreter = train(train_part)
        _, fold_predictions = evaluate(interpreter, [examples[i] for i in held])
        for index, prediction in zip(held, fold_predictions):
            predictions[index] = prediction
    report = score_predictions(examples, [p for p in predictions if p is not None])
    report["folds"] = folds
    return report, [p for p in predictions if p is not None]
