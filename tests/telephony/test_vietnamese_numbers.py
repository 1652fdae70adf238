from __future__ import annotations

import pytest

from telephony.vietnamese_numbers import read_decimal, read_digits, read_number


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (2024, "hai nghìn không trăm hai mươi tư"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm linh năm"),
        (1_080_000, "một triệu không trăm tám mươi nghìn"),
        (2_340_000, "hai triệu ba trăm bốn mươi nghìn"),
        (3_000_000_000, "ba tỷ"),
        (1_500_000_000_000, "một nghìn năm trăm tỷ"),
        (-7, "âm bảy"),
    ],
)
def test_read_number(value: int, spoken: str) -> None:
    assert read_number(value) == spoken


def test_read_digits_keeps_every_zero() -> None:
    assert read_digits("0042") == "không không bốn hai"


@pytest.mark.parametrize(
    ("whole", "fraction", "spoken"),
    [
        ("2", "5", "hai phẩy năm"),
        ("12", "75", "mười hai phẩy bảy mươi lăm"),
        ("1", "05", "một phẩy không năm"),
    ],
)
def test_read_decimal(whole: str, fraction: str, spoken: str) -> None:
    assert read_decimal(whole, fraction) == spoken
