import pytest

from nlu.components.regex_entities import RegexEntityExtractor
from nlu.message import Message
from nlu.normalize import nfc


def extract(text: str) -> list[tuple[str, str, str]]:
    message = Message(text=text, original=nfc(text))
    RegexEntityExtractor(builtin="always").process(message)
    return [(e.entity, e.value, message.original[e.start : e.end]) for e in message.entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hồ sơ 000.00.15.H29-240312-0042 sao rồi", "000.00.15.H29-240312-0042"),
        ("mã 000.00.15.h29-240312-0042", "000.00.15.H29-240312-0042"),
        ("000.00.15.H29 - 240312 - 0042", "000.00.15.H29-240312-0042"),
        ("ma 0000015H29-240312-0042 a", "000.00.15.H29-240312-0042"),
    ],
)
def test_dossier_codes(text: str, value: str) -> None:
    assert ("dossier_code", value) in [(e, v) for e, v, _ in extract(text)]


def test_id_number_and_phone_do_not_overlap() -> None:
    found = extract("cccd 001203004567, sđt 0912 345 678 hoặc +84912345679")
    assert ("id_number", "001203004567", "001203004567") in found
    assert ("phone_number", "0912345678", "0912 345 678") in found
    assert ("phone_number", "0912345679", "+84912345679") in found
    assert len(found) == 3


def test_short_numbers_are_not_entities() -> None:
    assert extract("4 số cuối là 5678, năm 2025") == []


def test_builtin_patterns_follow_the_training_data() -> None:
    from nlu.components.base import TrainingContext
    from nlu.normalize import Abbreviations
    from nlu.training_data import load_nlu_data

    extractor = RegexEntityExtractor()
    extractor.train(load_nlu_data({"nlu": [{"intent": "x", "examples": "- gọi [0912345678](phone_number)\n"}]}),
                    TrainingContext(Abbreviations({})))
    message = Message(text="0912345678 và 001203004567", original="0912345678 và 001203004567")
    extractor.process(message)
    assert [e.entity for e in message.entities] == ["phone_number"]
