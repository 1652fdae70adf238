import pytest

from nlu.training_data import TrainingDataError, load_nlu_data, parse_annotated


def test_paren_annotation() -> None:
    example = parse_annotated("tôi ở [Hà Nội](province) ạ", "inform")
    assert example.text == "tôi ở Hà Nội ạ"
    (span,) = example.entities
    assert (span.entity, span.value, span.start, span.end) == ("province", "Hà Nội", 6, 12)


def test_value_and_json_annotations() -> None:
    a = parse_annotated("làm [gplđ](procedure:work_permit_issue)")
    b = parse_annotated('làm [gplđ]{"entity": "procedure", "value": "work_permit_issue"}')
    assert a.text == b.text == "làm gplđ"
    assert a.entities[0].value == b.entities[0].value == "work_permit_issue"
    assert a.entities[0].start == 4 and a.entities[0].end == 8


def test_blocks() -> None:
    data = load_nlu_data(
        {
            "nlu": [
                {"intent": "greet", "examples": "- xin chào\n- chào ad\n"},
                {"synonym": "work_permit_issue", "examples": "- gplđ\n"},
                {"regex": "zip", "examples": "- \\d{5}\n"},
                {"lookup": "province", "examples": "- Hà Nội\n- Huế\n"},
                {"intent": "inform", "examples": [{"text": "ở [Huế](province)"}]},
            ]
        }
    )
    assert data.intents == ["greet", "inform"]
    assert len(data.examples) == 3
    assert data.synonyms["gplđ"] == "work_permit_issue"
    assert data.regexes == {"zip": ["\\d{5}"]}
    assert data.lookups["province"] == ["Hà Nội", "Huế"]


def test_bad_block_names_file() -> None:
    with pytest.raises(TrainingDataError, match="data.yml"):
        load_nlu_data({"nlu": [{"nonsense": 1}]}, "data.yml")
