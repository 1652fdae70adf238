"""The dictionary claims a phrase only where its annotations agree on one label."""

from __future__ import annotations

from nlu.components.base import TrainingContext
from nlu.components.crf_entities import CRFEntityExtractor
from nlu.components.lookup_entities import LookupEntityExtractor
from nlu.message import Message
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import TrainingData, load_nlu_data

CITIES = ["Hà Nội", "Đà Nẵng", "Huế", "Cần Thơ", "Vinh", "Đà Lạt", "Hải Phòng", "Pleiku"]


def _flights() -> TrainingData:
    """Every city is an origin as often as a destination; "người có công" is always a field."""
    lines = []
    for i, a in enumerate(CITIES):
        b = CITIES[(i + 3) % len(CITIES)]
        lines.append(f"bay từ [{a}](from_city) đến [{b}](to_city) ngày mai")
        lines.append(f"vé đi [{b}](to_city) xuất phát ở [{a}](from_city)")
        lines.append(f"bay từ [{b}](from_city) đến [{a}](to_city) tối nay")
    lines += [
        f'thủ tục cho [người có công]{{"entity": "field", "value": "nguoi_co_cong"}} {i}' for i in range(4)
    ]
    return load_nlu_data({"nlu": [{"intent": "ask", "examples": "".join(f"- {line}\n" for line in lines)}]})


def _run(extractors: list[object], text: str) -> list[tuple[str, str, str]]:
    message = Message(text=text, original=nfc(text))
    for extractor in extractors:
        extractor.process(message)  # type: ignore[attr-defined]
    return [(e.entity, e.value, e.extractor) for e in sorted(message.entities, key=lambda e: e.start)]


def test_a_phrase_with_two_labels_is_not_claimed() -> None:
    lookup = LookupEntityExtractor()
    lookup.train(_flights(), TrainingContext(Abbreviations({})))
    assert _run([lookup], "bay từ Hà Nội đến Huế") == []


def test_a_phrase_with_one_label_is_claimed_with_its_value() -> None:
    lookup = LookupEntityExtractor()
    lookup.train(_flights(), TrainingContext(Abbreviations({})))
    assert _run([lookup], "thu tuc cho nguoi co cong") == [
        ("field", "nguoi_co_cong", "LookupEntityExtractor")
    ]


def test_the_sequence_model_decides_the_ambiguous_ones_from_context() -> None:
    data, context = _flights(), TrainingContext(Abbreviations({}))
    lookup, crf = LookupEntityExtractor(), CRFEntityExtractor()
    lookup.train(data, context)
    crf.train(data, context)
    assert [(e, v) for e, v, _ in _run([lookup, crf], "bay từ Huế đến Hà Nội ngày mai")] == [
        ("from_city", "Huế"),
        ("to_city", "Hà Nội"),
    ]


def test_a_dictionary_guess_gives_way_to_the_context() -> None:
    """ "Vinh" is only ever a destination in this data, so the dictionary claims it; read after
    "từ" it is an origin, and the CRF's reading replaces the dictionary's."""
    lines = [f"vé đi [Vinh](to_city) {i}" for i in range(6)]
    lines += [f"bay từ [{c}](from_city) đến [{d}](to_city)" for c in CITIES[:4] for d in CITIES[4:6]]
    data = load_nlu_data({"nlu": [{"intent": "ask", "examples": "".join(f"- {line}\n" for line in lines)}]})
    context = TrainingContext(Abbreviations({}))
    lookup, crf = LookupEntityExtractor(), CRFEntityExtractor()
    lookup.train(data, context)
    crf.train(data, context)
    assert _run([lookup], "bay từ Vinh đến Pleiku") == [("to_city", "Vinh", "LookupEntityExtractor")]
    assert [(e, v) for e, v, _ in _run([lookup, crf], "bay từ Vinh đến Pleiku")] == [
        ("from_city", "Vinh"),
        ("to_city", "Pleiku"),
    ]
