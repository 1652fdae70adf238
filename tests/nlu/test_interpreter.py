"""The engine on data that is not dvcbot's own: any Rasa NLU file must train and parse."""

from pathlib import Path

import pytest

from nlu.components.base import CatalogueEntry
from nlu.interpreter import Interpreter, fingerprint
from nlu.normalize import Abbreviations
from nlu.registry import UnknownComponentError, build_component
from nlu.training_data import load_nlu_data

PIPELINE = [
    {"name": "VietnameseNormalizer"},
    {"name": "VietnameseTokenizer"},
    {"name": "RegexEntityExtractor"},
    {"name": "LookupEntityExtractor"},
    {"name": "ProcedureResolver", "min_score": 0.35, "ambiguity_margin": 0.08},
    {"name": "IntentClassifier"},
]

FOOD = {
    "nlu": [
        {"intent": "order_food", "examples": "\n".join(
            f"- {t}" for t in [
                "cho tôi một [phở bò](dish)", "tôi muốn đặt [bún chả](dish)", "đặt giúp em [cơm tấm](dish)",
                "cho hai suất [phở bò](dish) nhé", "mình gọi [bún chả](dish) nha", "lấy cho tôi [cơm tấm](dish)",
                "order [phở gà](dish)", "em muốn ăn [phở gà](dish)",
            ])},
        {"intent": "ask_price", "examples": "\n".join(
            f"- {t}" for t in [
                "bao nhiêu tiền", "giá thế nào", "[phở bò](dish) giá bao nhiêu", "hết bao nhiêu vậy",
                "tính tiền giúp", "giá [cơm tấm](dish) là mấy", "bao nhiêu một bát", "giá cả ra sao",
            ])},
        {"intent": "greet", "examples": "- chào\n- xin chào\n- chào quán\n- hello\n- chào buổi sáng\n- hi em\n"},
    ]
}


@pytest.fixture(scope="module")
def food_model() -> Interpreter:
    data = load_nlu_data(FOOD)
    return Interpreter.train(PIPELINE, data, abbreviations=Abbreviations({}), catalogue=[], model_fingerprint="food")


def test_parse_shape(food_model: Interpreter) -> None:
    result = food_model.parse("cho tôi một phở bò").as_parse_result()
    assert set(result) >= {"text", "intent", "intent_ranking", "entities"}
    assert result["intent"]["name"] == "order_food"
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    confidences = [r["confidence"] for r in result["intent_ranking"]]
    assert confidences == sorted(confidences, reverse=True)
    assert abs(sum(confidences) - 1.0) < 0.01
    dish = [e for e in result["entities"] if e["entity"] == "dish"]
    assert dish and dish[0]["value"] == "phở bò"
    assert set(dish[0]) == {"entity", "value", "start", "end", "confidence", "extractor"}


def test_without_diacritics(food_model: Interpreter) -> None:
    result = food_model.parse("gia com tam bao nhieu").as_parse_result()
    assert result["intent"]["name"] == "ask_price"
    assert any(e["entity"] == "dish" and e["value"] == "cơm tấm" for e in result["entities"])


def test_payload(food_model: Interpreter) -> None:
    result = food_model.parse('/ask_price{"dish": "phở gà"}').as_parse_result()
    assert result["intent"] == {"name": "ask_price", "confidence": 1.0}
    assert result["entities"][0]["value"] == "phở gà"


def test_save_and_load(food_model: Interpreter, tmp_path: Path) -> None:
    food_model.save(tmp_path / "m")
    loaded = Interpreter.load(tmp_path / "m")
    text = "mình muốn đặt bún chả"
    assert loaded.parse(text).as_parse_result() == food_model.parse(text).as_parse_result()


def test_fingerprint_changes_with_data(tmp_path: Path) -> None:
    data = tmp_path / "nlu.yml"
    data.write_text("nlu: []\n")
    first = fingerprint(PIPELINE, [data], [])
    assert fingerprint(PIPELINE, [data], []) == first
    data.write_text("nlu: [] # changed\n")
    assert fingerprint(PIPELINE, [data], []) != first
    assert fingerprint(PIPELINE, [data], [CatalogueEntry("x", "X")]) != fingerprint(PIPELINE, [data], [])


def test_unknown_component_fails_loudly() -> None:
    with pytest.raises(UnknownComponentError, match="DIETClassifier"):
        build_component({"name": "DIETClassifier"})


def test_second_question_in_one_message(food_model: Interpreter) -> None:
    result = food_model.parse("cho tôi một phở bò, giá bao nhiêu").as_parse_result()
    names = {result["intent"]["name"], *(i["name"] for i in result["additional_intents"])}
    assert names == {"order_food", "ask_price"}
    assert food_model.parse("cho tôi một phở bò").as_parse_result()["additional_intents"] == []


def test_lookup_keeps_only_reliably_annotated_phrases() -> None:
    from nlu.components.base import TrainingContext
    from nlu.components.lookup_entities import LookupEntityExtractor
    from nlu.message import Message

    data = load_nlu_data({"nlu": [{"intent": "book", "examples": "".join(
        ["- bay chuyến [sáng](period) mai\n"]
        + [f"- trời sáng {i} giờ thì đi\n" for i in range(6)]
        + [f"- vé đi [Huế](city) lần {i}\n" for i in range(3)]
    )}]})
    extractor = LookupEntityExtractor()
    extractor.train(data, TrainingContext(Abbreviations({})))
    message = Message(text="sáng mai bay đi Huế", original="sáng mai bay đi Huế")
    extractor.process(message)
    assert [(e.entity, e.value) for e in message.entities] == [("city", "Huế")]
