"""The CRF learns entities from annotations and finds values it has never seen."""

from __future__ import annotations

import pickle

import pytest

from nlu.components.base import TrainingContext
from nlu.components.crf_entities import CRFEntityExtractor
from nlu.message import Message
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import load_nlu_data

CITIES = ["Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Nha Trang", "Đà Lạt", "Quy Nhơn", "Hạ Long",
          "Buôn Ma Thuột", "Phan Thiết", "Thái Nguyên", "Nam Định"]
TEMPLATES = ["đặt vé đi [{c}](city) ngày mai", "cho tôi một vé tới [{c}](city)", "tôi muốn bay ra [{c}](city)",
             "vé đi [{c}](city) giá bao nhiêu", "có chuyến nào đến [{c}](city) không"]


@pytest.fixture(scope="module")
def crf() -> CRFEntityExtractor:
    lines = [t.format(c=c) for i, c in enumerate(CITIES) for t in TEMPLATES[i % 2 :: 2]]
    data = load_nlu_data({"nlu": [
        {"intent": "book", "examples": "".join(f"- {line}\n" for line in lines)},
        {"intent": "chat", "examples": "- xin chào\n- cảm ơn nhiều\n- hôm nay trời đẹp\n- tạm biệt\n"},
    ]})
    extractor = CRFEntityExtractor()
    extractor.train(data, TrainingContext(Abbreviations({})))
    return extractor


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
