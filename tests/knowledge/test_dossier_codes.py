"""Dossier codes typed every way an applicant types them, and what the bot says about a wrong one."""

from __future__ import annotations

import pytest

from knowledge.dossier.codes import DossierCodeFormat

FORMAT = DossierCodeFormat()
CODE = "000.00.15.H29-240312-0042"


@pytest.mark.parametrize(
    "typed",
    [
        "000.00.15.H29-240312-0042",
        "000.00.15.h29-240312-0042",  # lower case
        "000.00.15.H29 240312 0042",  # spaces instead of dashes
        "000 00 15 h29 240312 0042",  # spaces everywhere
        "000.00.15.H29 - 240312 - 0042",  # spaces around dashes
        "0000015H29-240312-0042",  # without dots
        "0000015H292403120042",  # without any separator
        " 000.00.15.H29-240312-0042. ",  # surrounding punctuation
        "０００.００.１５.Ｈ２９-２４０３１２-００４２",  # full-width digits from some phone keyboards
    ],
)
def test_every_way_of_typing_gives_the_canonical_code(typed: str) -> None:
    assert FORMAT.normalize(typed) == CODE


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("000.00.15.H29-24031-0042", 'phần thứ 2 ("24031") có 5 chữ số, cần 6 chữ số như "240312"'),
        ("000.00.15.129-240312-0042", 'phần thứ 1 ("000.00.15.129") cần chữ cái thay cho "1", như "000.00.15.H29"'),
        ("000.00.15.H29-240312-004X", 'phần thứ 3 ("004X") cần chữ số thay cho "X", như "0042"'),
        ("000.00.15.H29-241312-0042", 'ngày tiếp nhận trong mã ("241312", dạng năm-tháng-ngày yymmdd) không phải ngày có thật'),
        ("4321", "mã có 4 ký tự chữ và số, mã hồ sơ đầy đủ có 20 ký tự"),
        ("000.00.15.H29-240312", "mã có 16 ký tự chữ và số, mã hồ sơ đầy đủ có 20 ký tự"),
        ("000.00.15.H29_240312_0042", "có ký tự không dùng trong mã hồ sơ (_)"),
    ],
)
def test_a_malformed_code_is_explained(typed: str, problem: str) -> None:
    assert FORMAT.normalize(typed) is None
    assert FORMAT.diagnose(typed) == [problem]


def test_a_valid_code_has_no_problem() -> None:
    assert FORMAT.diagnose("000.00.15.h29 240312 0042") == []


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("hồ sơ 000.00.15.H29-240312-0042 sao rồi", CODE),
        ("hồ sơ 000.00.15.h29 240312 0042 sao rồi ạ?", CODE),
        ("mã của em là 0000015H29-240312-0042.", CODE),
    ],
)
def test_finding_a_code_in_a_sentence(text: str, canonical: str) -> None:
    found = FORMAT.find(text)
    assert found is not None and found.canonical == canonical


def test_a_mistyped_code_in_a_sentence_is_kept_whole_for_the_diagnosis() -> None:
    found = FORMAT.find("mã 000.00.15.H29 24031 0042 ạ")
    assert found is not None and found.canonical is None
    assert found.raw == "000.00.15.H29 24031 0042"
    assert found.problems == ('phần thứ 2 ("24031") có 5 chữ số, cần 6 chữ số như "240312"',)


def test_sentences_without_a_code() -> None:
    assert FORMAT.find("tra cứu hồ sơ") is None
    year = FORMAT.find("tra cứu hồ sơ nộp năm 2024")
    assert year is not None and not FORMAT.looks_like_code(year)  # a year is not taken for a code


def test_another_province_format_is_configuration() -> None:
    other = DossierCodeFormat(r"[A-Z]\d{2}\.\d{2}-\d{6}-\d{5}", "G22.39-250101-00012")
    assert other.normalize("g22 39 250101 00012") == "G22.39-250101-00012"
    assert other.normalize(CODE) is None
    assert other.diagnose("G22.39-250101-0012") == ['phần thứ 3 ("0012") có 4 chữ số, cần 5 chữ số như "00012"']


def test_an_example_that_does_not_fit_its_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="does not match"):
        DossierCodeFormat(r"\d{4}", "ABCD")
