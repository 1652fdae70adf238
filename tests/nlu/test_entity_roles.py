"""Entity roles learned from Rasa annotations: one province is where the benefit was paid, the other
where it moves to, and only the words around them tell which."""

from __future__ import annotations

import pytest

from nlu.components.base import TrainingContext
from nlu.components.crf_entities import CRFEntityExtractor
from nlu.components.lookup_entities import LookupEntityExtractor
from nlu.message import Message
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import load_nlu_data, parse_annotated

# Provinces for training; the test sentences use others, so the model must read the context.
TRAIN_PROVINCES = [
    "Hà Nội",
    "Nghệ An",
    "Đà Nẵng",
    "Cần Thơ",
    "Hải Phòng",
    "Thanh Hóa",
    "Bắc Ninh",
    "Quảng Ninh",
    "Đồng Nai",
    "Bình Dương",
    "Huế",
    "Lâm Đồng",
]
FROM = '[{p}]{{"entity": "province", "role": "from"}}'
TO = '[{p}]{{"entity": "province", "role": "to"}}'
HERE = '[{p}]{{"entity": "province"}}'
TEMPLATES = [
    "chuyển nơi hưởng trợ cấp thất nghiệp từ " + FROM + " về " + TO,
    "em đang hưởng tctn ở " + FROM + " giờ muốn chuyển về " + TO + " được không",
    "tôi chuyển từ " + FROM + " sang " + TO + " thì làm thủ tục gì",
    "muốn chuyển hưởng trợ cấp về " + TO + " mà đang nhận ở " + FROM,
    "chuyển về " + TO + " làm việc, trước hưởng ở " + FROM + " thì sao",
    "nộp hồ sơ ở " + HERE + " được không",
    "trung tâm dịch vụ việc làm " + HERE + " ở đâu",
]
# The two provinces of a pair are drawn from different halves, so neither value predicts the role.
PAIRS = [
    (TRAIN_PROVINCES[i], TRAIN_PROVINCES[(i + 5) % len(TRAIN_PROVINCES)]) for i in range(len(TRAIN_PROVINCES))
]


def _lines() -> list[str]:
    lines = []
    for n, (a, b) in enumerate(PAIRS):
        for template in TEMPLATES:
            first, second = (a, b) if n % 2 else (b, a)
            lines.append(
                template.replace("{p}", first, 1)
                .replace("{p}", second, 1)
                .replace("{{", "{")
                .replace("}}", "}")
            )
    return lines


@pytest.fixture(scope="module", params=["tag", "span", "span+sequence"])
def trained(request: pytest.FixtureRequest) -> tuple[LookupEntityExtractor, CRFEntityExtractor]:
    """Roles in the CRF's tags (the default), from the span model (``role_model: span``), and from
    it reading the spans left to right (``role_sequence: true``)."""
    data = load_nlu_data(
        {
            "nlu": [
                {"intent": "ask_procedure_steps", "examples": "".join(f"- {line}\n" for line in _lines())},
                {"intent": "greet", "examples": "- xin chào\n- chào ad\n"},
            ]
        }
    )
    role_model, _, sequence = request.param.partition("+")
    lookup = LookupEntityExtractor()
    crf = CRFEntityExtractor(role_model=role_model, role_sequence=bool(sequence))
    context = TrainingContext(Abbreviations({}))
    lookup.train(data, context)
    crf.train(data, context)
    return lookup, crf


def parse(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor], text: str
) -> list[tuple[str, str, str | None]]:
    message = Message(text=text, original=nfc(text))
    for extractor in trained:  # the dictionary first, as in config.yml: it must not decide the roles
        extractor.process(message)
    return [(e.entity, e.value, e.role) for e in sorted(message.entities, key=lambda e: e.start)]


def test_reader_keeps_roles_and_groups() -> None:
    example = parse_annotated(
        'từ [Hà Nội]{"entity": "province", "role": "from", "group": "1"} về [Nghệ An]{"entity": "province", "role": "to"}'
    )
    assert example.text == "từ Hà Nội về Nghệ An"
    assert [(s.text, s.role, s.group) for s in example.entities] == [
        ("Hà Nội", "from", "1"),
        ("Nghệ An", "to", None),
    ]


def test_two_provinces_get_their_roles_from_context(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor],
) -> None:
    assert parse(trained, "chuyển nơi hưởng trợ cấp thất nghiệp từ Hà Tĩnh về Gia Lai") == [
        ("province", "Hà Tĩnh", "from"),
        ("province", "Gia Lai", "to"),
    ]


def test_the_same_province_swaps_role_when_the_words_do(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor],
) -> None:
    assert parse(trained, "tôi chuyển từ Nghệ An sang Hà Nội thì làm thủ tục gì") == [
        ("province", "Nghệ An", "from"),
        ("province", "Hà Nội", "to"),
    ]
    assert parse(trained, "tôi chuyển từ Hà Nội sang Nghệ An thì làm thủ tục gì") == [
        ("province", "Hà Nội", "from"),
        ("province", "Nghệ An", "to"),
    ]


def test_role_follows_the_words_not_the_order(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor],
) -> None:
    assert parse(trained, "muốn chuyển hưởng trợ cấp về Kon Tum mà đang nhận ở Sơn La") == [
        ("province", "Kon Tum", "to"),
        ("province", "Sơn La", "from"),
    ]


def test_without_diacritics_with_the_annotated_value(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor],
) -> None:
    assert parse(trained, "chuyen noi huong tro cap that nghiep tu Ha Noi ve Nghe An") == [
        ("province", "Hà Nội", "from"),
        ("province", "Nghệ An", "to"),
    ]


def test_a_province_without_a_role_has_none(
    trained: tuple[LookupEntityExtractor, CRFEntityExtractor],
) -> None:
    assert parse(trained, "nộp hồ sơ ở Bắc Ninh được không") == [("province", "Bắc Ninh", None)]


def test_the_parse_result_carries_the_roles() -> None:
    """As ``/model/parse`` shows it: Rasa's entity shape with ``role``."""
    from nlu.interpreter import Interpreter

    data = load_nlu_data(
        {
            "nlu": [
                {"intent": "ask_procedure_steps", "examples": "".join(f"- {line}\n" for line in _lines())},
                {"intent": "greet", "examples": "- xin chào\n- chào ad\n- chào bạn\n"},
            ]
        }
    )
    pipeline = [
        {"name": "VietnameseNormalizer"},
        {"name": "VietnameseTokenizer"},
        {"name": "LookupEntityExtractor"},
        {"name": "CRFEntityExtractor"},
        {"name": "IntentClassifier"},
    ]
    interpreter = Interpreter.train(
        pipeline, data, abbreviations=Abbreviations({}), catalogue=[], model_fingerprint="roles"
    )
    result = interpreter.parse("tôi chuyển từ Quảng Ngãi sang Nghệ An thì làm thủ tục gì").as_parse_result()
    assert [(e["entity"], e["value"], e.get("role")) for e in result["entities"]] == [
        ("province", "Quảng Ngãi", "from"),
        ("province", "Nghệ An", "to"),
    ]


def test_an_unknown_role_model_is_refused() -> None:
    with pytest.raises(ValueError, match="role_model"):
        CRFEntityExtractor(role_model="guess")
