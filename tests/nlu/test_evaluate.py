"""The ``dvcbot test nlu`` report: roles count, confusions are listed, empty groups are null."""

from __future__ import annotations

import json

from nlu.evaluate import score_predictions, summarize
from nlu.training_data import parse_annotated

FROM_TO = 'từ [Hà Nội]{"entity": "province", "role": "from"} về [Nghệ An]{"entity": "province", "role": "to"}'


def _result(text: str, intent: str, entities: list[dict[str, object]]) -> dict[str, object]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}


def _province(start: int, end: int, value: str, role: str | None) -> dict[str, object]:
    entity: dict[str, object] = {"entity": "province", "value": value, "start": start, "end": end}
    if role:
        entity["role"] = role
    return entity


def test_a_swapped_role_is_wrong_and_shows_as_a_confusion() -> None:
    example = parse_annotated(FROM_TO, "ask_procedure_steps")
    swapped = _result(
        example.text,
        "ask_procedure_steps",
        [
            _province(3, 9, "Hà Nội", "to"),
            _province(13, 20, "Nghệ An", "to"),
        ],
    )
    report = score_predictions([example], [swapped])
    assert report["sentence_accuracy"] == 0.0
    assert report["entities"]["per_role"]["province:to"]["precision"] == 0.5
    assert report["entities"]["per_role"]["province:from"]["recall"] == 0.0
    assert {"entity": "province:from", "predicted": "province:to", "count": 1} in report["entities"][
        "confusions"
    ]


def test_right_roles_score_full_marks() -> None:
    example = parse_annotated(FROM_TO, "ask_procedure_steps")
    right = _result(
        example.text,
        "ask_procedure_steps",
        [
            _province(3, 9, "Hà Nội", "from"),
            _province(13, 20, "Nghệ An", "to"),
        ],
    )
    report = score_predictions([example], [right])
    assert report["entities"]["micro_f1"] == 1.0
    assert report["sentence_accuracy"] == 1.0
    assert report["entities"]["confusions"] == []


def test_a_missed_and_an_invented_entity_are_listed() -> None:
    example = parse_annotated("tôi ở [Huế](province)", "inform")
    invented = _result(example.text, "inform", [{"entity": "field", "value": "x", "start": 0, "end": 3}])
    confusions = score_predictions([example], [invented])["entities"]["confusions"]
    assert {"entity": "province", "predicted": "none", "count": 1} in confusions
    assert {"entity": "none", "predicted": "field", "count": 1} in confusions


def test_empty_groups_are_null_not_zero() -> None:
    example = parse_annotated("xin chào", "greet")  # with diacritics, no entity, no procedure
    report = score_predictions([example], [_result(example.text, "greet", [])])
    summary = json.loads(json.dumps(summarize(report)))
    assert summary["intent_accuracy"] == 1.0
    assert summary["intent_accuracy_without_diacritics"] is None
    assert summary["procedure_top1"] is None
    assert summary["entity_micro_f1"] is None


def test_summary_lists_per_entity_figures() -> None:
    example = parse_annotated(FROM_TO, "ask_procedure_steps")
    right = _result(
        example.text,
        "ask_procedure_steps",
        [
            _province(3, 9, "Hà Nội", "from"),
            _province(13, 20, "Nghệ An", "to"),
        ],
    )
    summary = summarize(score_predictions([example], [right]))
    assert summary["per_entity"]["province"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "support": 2}
    assert summary["per_entity"]["province:from"]["support"] == 1
