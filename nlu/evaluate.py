"""Scores a model on a Rasa NLU YAML test file: the ``dvcbot test nlu`` report.

Entities count as right when entity type, role, group and value match and the spans overlap
(procedure spans are where the resolver found the words, which may differ from the annotator's by a
word or two). The report gives precision, recall and F1 per entity type and per role, the entity
confusions (gold label → predicted label, ``"none"`` where one side has nothing), and the parse
latency. A figure over an empty group is ``None`` (JSON ``null``), not 0.0: "no example without
diacritics" is not "every one wrong".
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from nlu.components.regex_entities import canonical_dossier_code, canonical_phone
from nlu.interpreter import Interpreter
from nlu.normalize import fold
from nlu.training_data import EntitySpan, Example

__all__ = ["cross_validate", "evaluate", "score_predictions", "summarize"]


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


def _label(entity: str, role: Any = None, group: Any = None) -> str:
    """``province``, ``province:from``, ``province:from#1``: the entity with its role and group."""
    return entity + (f":{role}" if role else "") + (f"#{group}" if group else "")


def _gold_label(gold: EntitySpan) -> str:
    return _label(gold.entity, gold.role, gold.group)


def _predicted_label(predicted: dict[str, Any]) -> str:
    return _label(predicted["entity"], predicted.get("role"), predicted.get("group"))


def _same(gold: EntitySpan, predicted: dict[str, Any]) -> bool:
    return (
        _gold_label(gold) == _predicted_label(predicted)
        and _canonical(gold.entity, str(gold.value)) == _canonical(gold.entity, str(predicted["value"]))
        and predicted["start"] < gold.end
        and gold.start < predicted["end"]
    )


def _has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def evaluate(
    interpreter: Interpreter, examples: list[Example]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns the report and the parse result of every example, in order, with the parse latency
    (after one warm-up parse, which loads the word segmenter)."""
    predictions, latencies, cpu = _parse_all(interpreter, examples)
    report = score_predictions(examples, predictions)
    report["latency_ms"] = latency_summary(latencies)
    report["latency_cpu_ms"] = latency_summary(cpu)  # the same parses in CPU time: apart from a busy machine
    return report, predictions


def _parse_all(
    interpreter: Interpreter, examples: list[Example]
) -> tuple[list[dict[str, Any]], list[float], list[float]]:
    """Parse results, wall milliseconds and CPU milliseconds of each parse."""
    interpreter.parse("xin chào")
    predictions = []
    wall: list[float] = []
    cpu: list[float] = []
    for example in examples:
        started, cpu_started = time.perf_counter(), time.process_time()
        predictions.append(interpreter.parse(example.text).as_parse_result())
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return predictions, wall, cpu


def latency_summary(milliseconds: list[float]) -> dict[str, float | None]:
    """p50, p95 and max of parse times in milliseconds (``None`` without any)."""
    if not milliseconds:
        return {"p50": None, "p95": None, "max": None}
    ordered = sorted(milliseconds)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
        "max": round(ordered[-1], 3),
    }


def score_predictions(examples: list[Example], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """The report for parse results already made (one per example, same order)."""
    intent_counts: dict[str, Counter[str]] = defaultdict(Counter)
    entity_counts: dict[str, Counter[str]] = defaultdict(Counter)
    role_counts: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str]] = Counter()
    entity_confusion: Counter[tuple[str, str]] = Counter()
    sentence_right = 0
    by_diacritics: dict[str, list[bool]] = {"with_diacritics": [], "without_diacritics": []}
    procedure_top1: list[bool] = []
    errors: list[dict[str, Any]] = []
    for example, result in zip(examples, predictions):
        predicted_intent = result["intent"]["name"]
        gold_intent = example.intent or ""
        intent_ok = predicted_intent == gold_intent
        by_diacritics["with_diacritics" if _has_diacritics(example.text) else "without_diacritics"].append(
            intent_ok
        )
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
            hit = next(
                (i for i, p in enumerate(predicted_entities) if i not in matched and _same(gold, p)), None
            )
            outcome = "fn" if hit is None else "tp"
            entity_counts[gold.entity][outcome] += 1
            if gold.role or gold.group:
                role_counts[_gold_label(gold)][outcome] += 1
            if hit is None:
                entities_ok = False
            else:
                matched.add(hit)
            if gold.entity == "procedure":
                procedure_top1.append(hit is not None)
        for i, predicted in enumerate(predicted_entities):
            if i not in matched:
                entity_counts[predicted["entity"]]["fp"] += 1
                if predicted.get("role") or predicted.get("group"):
                    role_counts[_predicted_label(predicted)]["fp"] += 1
                entities_ok = False
        entity_confusion.update(_entity_confusions(example.entities, predicted_entities))
        if intent_ok and entities_ok:
            sentence_right += 1
        else:
            errors.append(
                {
                    "text": example.text,
                    "intent": gold_intent,
                    "predicted": predicted_intent,
                    "entities": [(_gold_label(e), e.value) for e in example.entities],
                    "predicted_entities": [(_predicted_label(p), p["value"]) for p in predicted_entities],
                }
            )
    n = len(examples)
    per_intent = {}
    for intent, counts in sorted(intent_counts.items()):
        precision, recall, f1 = _f1(counts["tp"], counts["fp"], counts["fn"])
        per_intent[intent] = {
            "precision": precision,
            "recall": recall,
            "f1-score": f1,
            "support": counts["tp"] + counts["fn"],
        }
    supported = {k: v for k, v in per_intent.items() if v["support"]}
    total_support = sum(v["support"] for v in supported.values()) or 1
    per_entity = _per_label(entity_counts)
    totals = Counter[str]()
    for counts in entity_counts.values():
        totals.update(counts)
    report = {
        "n": n,
        "intent": {
            "accuracy": sum(1 for p, e in zip(predictions, examples) if p["intent"]["name"] == e.intent) / n
            if n
            else None,
            "macro_f1": sum(v["f1-score"] for v in supported.values()) / len(supported)
            if supported
            else None,
            "weighted_f1": (
                sum(v["f1-score"] * v["support"] for v in supported.values()) / total_support
                if supported
                else None
            ),
            "per_intent": per_intent,
            "accuracy_with_diacritics": _mean(by_diacritics["with_diacritics"]),
            "accuracy_without_diacritics": _mean(by_diacritics["without_diacritics"]),
            "confusions": [
                {"intent": gold, "predicted": predicted, "count": count}
                for (gold, predicted), count in confusion.most_common(10)
            ],
        },
        "entities": {
            "micro_f1": _f1(totals["tp"], totals["fp"], totals["fn"])[2] if totals else None,
            "precision": _f1(totals["tp"], totals["fp"], totals["fn"])[0] if totals else None,
            "recall": _f1(totals["tp"], totals["fp"], totals["fn"])[1] if totals else None,
            "per_entity": per_entity,
            "per_role": _per_label(role_counts),
            "confusions": [
                {"entity": gold, "predicted": predicted, "count": count}
                for (gold, predicted), count in entity_confusion.most_common(20)
            ],
        },
        "procedure_top1": _mean(procedure_top1),
        "sentence_accuracy": sentence_right / n if n else None,
        "errors": errors,
    }
    return report


def _per_label(counts_by_label: dict[str, Counter[str]]) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for label, counts in sorted(counts_by_label.items()):
        precision, recall, f1 = _f1(counts["tp"], counts["fp"], counts["fn"])
        out[label] = {
            "precision": precision,
            "recall": recall,
            "f1-score": f1,
            "support": counts["tp"] + counts["fn"],
        }
    return out


def _entity_confusions(
    golds: tuple[EntitySpan, ...], predicted: list[dict[str, Any]]
) -> Counter[tuple[str, str]]:
    """(gold label, predicted label) for every span read with another label or missed, and
    ("none", label) for a prediction where nothing was annotated; right labels are not listed."""
    found: Counter[tuple[str, str]] = Counter()
    for gold in golds:
        overlapping = [p for p in predicted if p["start"] < gold.end and gold.start < p["end"]]
        labels = {_predicted_label(p) for p in overlapping}
        if not labels:
            found[(_gold_label(gold), "none")] += 1
        elif _gold_label(gold) not in labels:
            found[(_gold_label(gold), min(labels))] += 1
    for p in predicted:
        if not any(p["start"] < g.end and g.start < p["end"] for g in golds):
            found[("none", _predicted_label(p))] += 1
    return found


def _mean(values: list[bool]) -> float | None:
    """The share of ``True``; ``None`` for an empty group."""
    return sum(values) / len(values) if values else None


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
    latencies: list[float] = []
    for fold_number in range(folds):
        train_part = [e for e, f in zip(examples, assignment) if f != fold_number]
        held = [i for i, f in enumerate(assignment) if f == fold_number]
        interpreter = train(train_part)
        fold_predictions, fold_latencies, _ = _parse_all(interpreter, [examples[i] for i in held])
        latencies.extend(fold_latencies)
        for index, prediction in zip(held, fold_predictions):
            predictions[index] = prediction
    report = score_predictions(examples, [p for p in predictions if p is not None])
    report["folds"] = folds
    report["latency_ms"] = latency_summary(latencies)
    return report, [p for p in predictions if p is not None]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """What ``dvcbot test nlu`` prints: the headline figures, per-entity precision/recall/F1, the
    worst intent and entity confusions, and the parse latency."""
    intent, entities = report["intent"], report["entities"]
    return {
        "n": report["n"],
        "intent_accuracy": _rounded(intent["accuracy"]),
        "intent_accuracy_with_diacritics": _rounded(intent["accuracy_with_diacritics"]),
        "intent_accuracy_without_diacritics": _rounded(intent["accuracy_without_diacritics"]),
        "intent_macro_f1": _rounded(intent["macro_f1"]),
        "entity_micro_f1": _rounded(entities["micro_f1"]),
        "procedure_top1": _rounded(report["procedure_top1"]),
        "sentence_accuracy": _rounded(report["sentence_accuracy"]),
        "per_entity": {
            name: {
                "p": _rounded(v["precision"]),
                "r": _rounded(v["recall"]),
                "f1": _rounded(v["f1-score"]),
                "support": v["support"],
            }
            for name, v in {**entities["per_entity"], **entities.get("per_role", {})}.items()
        },
        "worst_confusions": intent["confusions"][:5],
        "entity_confusions": entities.get("confusions", [])[:10],
        "parse_latency_ms": report.get("latency_ms"),
        "parse_cpu_ms": report.get("latency_cpu_ms"),
    }
