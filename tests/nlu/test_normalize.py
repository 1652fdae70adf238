import unicodedata
from pathlib import Path

import pytest

from nlu.normalize import Abbreviations, Normalizer, fold, nfc, place_tones

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoa\u0300", "hoà"),  # NFD → NFC
        ("Ðảm bảo", "Ðảm bảo"),
        ("thu\u0309 tu\u0323c", "thủ tục"),
        ("abc\x00def", "abc def"),
    ],
)
def test_nfc(raw: str, expected: str) -> None:
    assert nfc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("quý", "quý"),
        ("quà", "quà"),
        ("hoàng", "hoàng"),  # a final consonant: the mark already sits right
        ("Hoà Bình", "Hòa Bình"),
    ],
)
def test_place_tones(raw: str, expected: str) -> None:
    assert place_tones(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đảm bảo chất lượng", "dam bao chat luong"),
        ("THỦ TỤC", "thu tuc"),
        ("giấy phép lao động", "giay phep lao dong"),
        ("người có công", "nguoi co cong"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected
    assert len(fold(raw)) == len(raw)


def test_normalizer_gives_three_forms() -> None:
    normalize = Normalizer(Abbreviations({"gplđ": "giấy phép lao động", "j": "gì"}))
    text = normalize("Làm GPLĐ cần j ạ")
    assert text.original == "Làm GPLĐ cần j ạ"
    assert text.normalized == "làm giấy phép lao động cần gì ạ"
    assert text.folded == "lam giay phep lao dong can gi a"


def test_abbreviation_matches_whole_words_only() -> None:
    abbreviations = Abbreviations({"k": "không"})
    assert abbreviations.expand("có k") == "có không"
    assert abbreviations.expand("kí") == "kí"


def _shipped_table() -> dict[str, str]:
    return Abbreviations.from_file(ROOT / "nlu/data/abbreviations.yml").table


@pytest.mark.parametrize("key", sorted(_shipped_table()))
def test_every_shipped_abbreviation_expands(key: str) -> None:
    table = _shipped_table()
    expansion = table[key]
    normalized = Normalizer(Abbreviations(table))(f"hỏi {key} nhé").normalized
    assert expansion.lower() in normalized
    assert fold(expansion) != key  # an entry that maps a word to itself would be noise


def _fold_one_by_one(text: str) -> str:
    """The definition of folding, one character at a time (what ``fold``'s table caches)."""
    out = []
    for char in text:
        lower = char.lower()
        if len(lower) != 1:
            lower = char
        base = "d" if lower == "đ" else unicodedata.normalize("NFD", lower)[0]
        out.append(base if lower == "đ" or base.isascii() else lower)
    return "".join(out)


def test_fold_table_agrees_with_the_definition_on_every_character() -> None:
    characters = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    assert fold(characters) == _fold_one_by_one(characters)
    assert len(fold(characters)) == len(characters)
    assert fold("ĐẢM BẢO chất lượng, Điện") == "dam bao chat luong, dien"
