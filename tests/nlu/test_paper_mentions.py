"""``ProcedureResolver.holds_paper_in``: whether a procedure's words hold the paper a follow-up names."""

from __future__ import annotations

import pytest

from nlu.components.procedure_resolver import ProcedureResolver
from nlu.normalize import fold
from nlu.tokenize import syllables

DETAILS = frozenset(syllables(fold("Bản khai của thân nhân, giấy chứng tử hoặc trích lục khai tử, giấy báo tử")))


@pytest.mark.parametrize(
    ("mention", "held"),
    [
        ("giấy chứng tử", True),  # "tử" folds to the stopword "tu" and still counts as the paper's word
        ("giay chung tu", True),
        ("giấy báo tử của thôn", False),  # "thôn" is no word of the details
        ("giấy tờ", False),  # function words alone name no paper
        ("tử", False),  # one syllable is no name
        ("sổ hộ nghèo", False),
    ],
)
def test_a_paper_is_held_when_its_words_are(mention: str, held: bool) -> None:
    assert ProcedureResolver.holds_paper_in(DETAILS, mention) is held
