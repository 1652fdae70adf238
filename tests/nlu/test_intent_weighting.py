"""The intent classifier picks its class weighting on held-out folds and reads entity types."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from nlu.components.base import TrainingContext
from nlu.components.intent_classifier import IntentClassifier
from nlu.normalize import Abbreviations, Normalizer
from nlu.tokenize import words
from nlu.training_data import load_nlu_data


def _block(intent: str, lines: list[str]) -> dict[str, str]:
    return {"intent": intent, "examples": "".join(f"- {line}\n" for line in lines)}


def test_unknown_weighting_is_refused() -> None:
    with pytest.raises(ValueError, match="class_weight"):
        IntentClassifier(class_weight="sometimes")


def test_the_weighting_right_more_often_on_held_out_folds_wins() -> None:
    truth = np.array([0, 0, 0, 1])
    balanced = (np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]), truth)  # 2 of 4 right
    plain = (np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]), truth)  # 3 of 4 right
    choose = IntentClassifier._choose_weighting
    assert choose({"balanced": balanced, "none": plain}) == "none"
    assert choose({"balanced": plain, "none": plain}) == "balanced"  # a tie keeps "balanced"
    assert choose({"balanced": None, "none": None}) == "balanced"
    assert choose({"none": plain}) == "none"


def test_a_forced_weighting_is_used_as_given() -> None:
    data = load_nlu_data(
        {
            "nlu": [
                _block("greet", ["xin chào", "chào bạn", "chào anh", "chào buổi sáng"]),
                _block("bye", ["tạm biệt", "hẹn gặp lại", "chào tạm biệt nhé", "thôi chào nhé"]),
                _block("thanks", ["cảm ơn", "cảm ơn nhiều", "cám ơn bạn", "xin cảm ơn"]),
            ]
        }
    )
    classifier = IntentClassifier(class_weight="none")
    classifier.train(data, TrainingContext(Abbreviations({})))
    assert classifier.weighting == "none"


def test_the_entity_type_a_message_holds_decides_between_otherwise_equal_questions() -> None:
    airlines = ["Vietjet", "Bamboo", "Pacific", "Vietravel", "Vasco"]
    cities = ["Hà Nội", "Huế", "Vinh", "Đà Lạt", "Cần Thơ"]
    asks = ["cho tôi biết về {}", "thông tin về {}", "{} thì sao", "nói thêm về {} đi", "tôi hỏi về {}"]
    lines_airline = [ask.format(f"[{a}](airline_name)") for ask in asks for a in airlines]
    lines_city = [ask.format(f"[{c}](city_name)") for ask in asks for c in cities]
    data = load_nlu_data({"nlu": [_block("airline", lines_airline), _block("city", lines_city)]})
    classifier = IntentClassifier(entity_features=True)
    classifier.train(data, TrainingContext(Abbreviations({})))
    normalize = Normalizer(Abbreviations({}))
    text = normalize("cho tôi biết về Skyway").normalized  # a name in neither list
    as_airline = classifier.scores(text, words(text), ["airline_name"])[0]
    as_city = classifier.scores(text, words(text), ["city_name"])[0]
    assert (as_airline.name, as_city.name) == ("airline", "city")


def test_without_entity_features_the_entities_change_nothing() -> None:
    data = load_nlu_data(
        {
            "nlu": [
                _block(
                    "airline", [f"thông tin hãng [{a}](airline_name)" for a in ["Vietjet", "Bamboo", "Vasco"]]
                ),
                _block("city", [f"thông tin thành phố [{c}](city_name)" for c in ["Huế", "Vinh", "Đà Lạt"]]),
            ]
        }
    )
    classifier = IntentClassifier(entity_features=False)
    classifier.train(data, TrainingContext(Abbreviations({})))
    text = Normalizer(Abbreviations({}))("thông tin Skyway").normalized
    first = classifier.scores(text, words(text), ["airline_name"])
    second = classifier.scores(text, words(text), ["city_name"])
    assert [(s.name, round(s.confidence, 6)) for s in first] == [
        (s.name, round(s.confidence, 6)) for s in second
    ]


def _bench_entities():  # bench/ is a folder of scripts, not a package
    path = Path(__file__).resolve().parents[2] / "bench" / "entities.py"
    spec = importlib.util.spec_from_file_location("bench_entities", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_entities"] = module
    spec.loader.exec_module(module)
    return module


def test_bench_overrides_set_one_option_of_one_component() -> None:
    bench = _bench_entities()
    pipeline = [{"name": "CRFEntityExtractor"}, {"name": "IntentClassifier", "C": 8.0}]
    changed = bench._with_overrides(
        pipeline, ["CRFEntityExtractor.max_iterations=30", "IntentClassifier.entity_features=false"]
    )
    assert changed == [
        {"name": "CRFEntityExtractor", "max_iterations": 30},
        {"name": "IntentClassifier", "C": 8.0, "entity_features": False},
    ]
    assert pipeline[0] == {"name": "CRFEntityExtractor"}  # the settings' own list is left alone
    with pytest.raises(SystemExit):
        bench._with_overrides(pipeline, ["NoSuchThing.x=1"])


def test_an_intent_of_one_example_does_not_void_the_held_out_folds() -> None:
    data = load_nlu_data(
        {
            "nlu": [
                _block("greet", ["xin chào", "chào bạn", "chào anh", "chào buổi sáng", "chào em"]),
                _block("bye", ["tạm biệt", "hẹn gặp lại", "chào tạm biệt nhé", "thôi chào nhé", "bye"]),
                _block("thanks", ["cảm ơn", "cảm ơn nhiều", "cám ơn bạn", "xin cảm ơn", "thanks"]),
                _block("rare", ["cho tôi gặp tổng đài viên"]),
            ]
        }
    )
    classifier = IntentClassifier(class_weight="auto")
    classifier.train(data, TrainingContext(Abbreviations({})))
    texts = [Normalizer(Abbreviations({}))(e.text).normalized for e in data.examples]
    assert len(texts) == 16
    from scipy import sparse

    rows = sparse.random(32, 20, density=0.5, random_state=1, format="csr")
    labels = np.array([e.intent for e in data.examples for _ in range(2)])
    groups = np.repeat(np.arange(16), 2)
    folds = classifier._held_out_logits(rows, labels, groups, "none")
    assert folds is not None
    logits, truth = folds
    assert logits.shape[1] == 4 and len(truth) == len(logits) >= 14


def test_defaults_keep_the_projects_behaviour() -> None:
    classifier = IntentClassifier()
    assert (classifier.class_weight, classifier.entity_features) == ("balanced", False)


def test_masking_every_entity_reads_the_question_not_the_values() -> None:
    cities = ["Hà Nội", "Huế", "Vinh", "Đà Lạt", "Cần Thơ", "Pleiku"]
    fares = [f"giá vé đi [{c}](city_name) bao nhiêu" for c in cities[:3]]
    fares += [f"vé tới [{c}](city_name) giá bao nhiêu" for c in cities[:3]]
    flights = [f"chuyến bay đi [{c}](city_name) lúc nào" for c in cities[3:]]
    flights += [f"có chuyến bay tới [{c}](city_name) không" for c in cities[3:]]
    data = load_nlu_data({"nlu": [_block("airfare", fares), _block("flight", flights)]})
    classifier = IntentClassifier(mask_entities="all", class_weight="none")
    classifier.train(data, TrainingContext(Abbreviations({})))
    assert classifier._masks("city_name") and classifier._masks("anything")
    from nlu.message import Entity, Message

    text = "giá vé đi Pleiku bao nhiêu"  # a city only ever seen in flight questions
    start = text.index("Pleiku")
    message = Message(text=text, original=text, normalized=Normalizer(Abbreviations({}))(text).normalized)
    message.tokens = words(message.normalized)
    message.entities = [Entity("city_name", "Pleiku", start, start + 6, 1.0, "CRFEntityExtractor")]
    classifier.process(message)
    assert message.intent is not None and message.intent.name == "airfare"


def test_mask_entities_takes_a_list_or_all() -> None:
    assert not IntentClassifier()._masks("city_name")
    assert IntentClassifier()._masks("procedure")
    assert IntentClassifier(mask_entities=["city_name"])._masks("city_name")
    with pytest.raises(ValueError, match="mask_entities"):
        IntentClassifier(mask_entities="some")


def test_bench_reads_dotted_slot_names_as_roles_when_asked() -> None:
    bench = _bench_entities()
    words = ["từ", "hà_nội", "đến", "huế"]
    spans = [(1, 1, "fromloc.city_name"), (3, 3, "city_name")]
    assert bench._annotate(words, spans) == (
        'từ [hà nội]{"entity": "fromloc.city_name"} đến [huế]{"entity": "city_name"}'
    )
    assert bench._annotate(words, spans, roles=True) == (
        'từ [hà nội]{"entity": "city_name", "role": "fromloc"} đến [huế]{"entity": "city_name"}'
    )
