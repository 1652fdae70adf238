"""The four verification digits, read from whatever the applicant answered."""

from __future__ import annotations

from typing import Any

import pytest

from actions.dossier import digits_from_text
from knowledge.dossier.codes import DossierCodeFormat

FORMAT = DossierCodeFormat()


@pytest.mark.parametrize(
    ("text", "entities", "digits"),
    [
        ("4321", [], "4321"),
        ("4 số cuối là 4321", [], "4321"),
        ("bốn số cuối 0246 ạ.", [], "0246"),
        ("cccd đuôi 4567", [], "4567"),
        ("sđt em 0912 345 678", [{"entity": "phone_number", "value": "0912345678"}], "5678"),
        ("cccd 001203004567", [{"entity": "id_number", "value": "001203004567"}], "4567"),
        ("12", [], ""),  # digits, but not four
        ("1234 hay 5678 nhỉ", [], ""),  # two different answers: ask again
        ("123456", [], ""),
        ("số điện thoại của em", [], None),
        ("000.00.15.H29-240312-0042", [], None),  # the digits of a code are not the answer
        ("mã 000.00.15.H29-240312-0042, số cuối 5678", [], "5678"),
    ],
)
def test_digits_from_text(text: str, entities: list[dict[str, Any]], digits: str | None) -> None:
    assert digits_from_text(text, entities, FORMAT) == digits
