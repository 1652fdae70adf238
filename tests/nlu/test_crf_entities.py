"""The CRF learns entities from annotations and finds values it has never seen."""

from __future__ import annotations

import pickle

import pytest

from nlu.components.base import TrainingContext
from nlu.components.crf_entities import CRFEntityExtractor
from nlu.message import Entity, Message
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import load_nlu_data

CITIES = ["Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Nha Trang", "Đà Lạt", "Quy Nhơn", "Hạ Long",
          "Buôn Ma Thuột", "Phan Thiết", "Thái Nguyên", "Nam Định"]
TEMPLATES = ["đặt vé đi [{c}](city) ngày mai", "cho tôi một vé tới [{c}](city)", "tôi muốn bay ra [{c}](city)",
             "vé đi [{c}](city) giá bao nhiêu", "có chuyến nào đến [{c}](city) không"]


def _trained(**options: object) -> CRFEntityExtractor:
    lines = [t.format(c=c) for i, c in enumerate(CITIES) for t in TEMPLATES[i % 2 :: 2]]
    data = load_nlu_data({"nlu": [
        {"intent": "book", "examples": "".join(f"- {line}\n" for line in lines)},
        {"intent": "chat", "examples": "- xin chào\n- cảm ơn nhiều\n- hôm nay trời đẹp\n- tạm biệt\n"},
    ]})
    extractor = CRFEntityExtractor(**options)
    extractor.train(data, TrainingContext(Abbreviations({})))
    return extractor


@pytest.fixture(scope="module")
def crf() -> CRFEntityExtractor:
    return _trained()


def extract(extractor: CRFEntityExtractor, text: str) -> list[tuple[str, str]]:
    message = Message(text=text, original=nfc(text))
    extractor.process(message)
    return [(e.entity, e.value) for e in message.entities]


def test_finds_a_value_it_never_saw(crf: CRFEntityExtractor) -> None:
    assert extract(crf, "đặt vé đi Vũng Tàu ngày mai") == [("city", "Vũng Tàu")]


def test_works_without_diacritics(crf: CRFEntityExtractor) -> None:
    assert extract(crf, "cho toi mot ve toi Hue") == [("city", "Hue")]


def test_nothing_where_there_is_nothing(crf: CRFEntityExtractor) -> None:
    assert extract(crf, "xin chào") == []


def test_survives_pickling(crf: CRFEntityExtractor) -> None:
    restored = pickle.loads(pickle.dumps(crf))
    assert extract(restored, "vé đi Sa Pa giá bao nhiêu") == extract(crf, "vé đi Sa Pa giá bao nhiêu")


# lookup_spans: what the dictionary's own spans become where the CRF reads the sentence ------------
def _with_dictionary_hit(
    extractor: CRFEntityExtractor, text: str, surface: str, entity: str
) -> list[tuple[str, str]]:
    """``text`` parsed with the dictionary having claimed ``surface`` as ``entity`` first."""
    start = text.index(surface)
    message = Message(text=text, original=nfc(text))
    message.entities = [Entity(entity, surface, start, start + len(surface), 1.0, "LookupEntityExtractor")]
    extractor.process(message)
    return [(e.entity, text[e.start : e.end]) for e in message.entities]


@pytest.fixture(scope="module")
def crf_decides() -> CRFEntityExtractor:
    return _trained(lookup_spans="crf")


def test_by_default_a_dictionary_hit_the_crf_does_not_read_stays(crf: CRFEntityExtractor) -> None:
    assert _with_dictionary_hit(crf, "có chuyến nào đến Vũng Tàu không", "chuyến", "city") == [
        ("city", "chuyến"),
        ("city", "Vũng Tàu"),
    ]


def test_with_crf_spans_a_dictionary_hit_the_crf_does_not_read_is_dropped(
    crf_decides: CRFEntityExtractor,
) -> None:
    assert _with_dictionary_hit(crf_decides, "có chuyến nào đến Vũng Tàu không", "chuyến", "city") == [
        ("city", "Vũng Tàu")
    ]


def test_with_crf_spans_the_crf_bounds_win_over_the_dictionary(crf_decides: CRFEntityExtractor) -> None:
    text = "có chuyến nào đến Buôn Ma Thuột không"
    assert _with_dictionary_hit(crf_decides, text, "Ma Thuột", "city") == [("city", "Buôn Ma Thuột")]


def test_by_default_the_dictionary_bounds_stay(crf: CRFEntityExtractor) -> None:
    text = "có chuyến nào đến Buôn Ma Thuột không"
    assert _with_dictionary_hit(crf, text, "Ma Thuột", "city") == [("city", "Ma Thuột")]


def test_with_crf_spans_a_type_the_crf_never_learned_keeps_the_dictionary_span(
    crf_decides: CRFEntityExtractor,
) -> None:
    assert _with_dictionary_hit(crf_decides, "xin chào lệ phí", "lệ phí", "fee") == [("fee", "lệ phí")]


def test_an_unknown_lookup_spans_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="lookup_spans"):
        CRFEntityExtractor(lookup_spans="sometimes")
