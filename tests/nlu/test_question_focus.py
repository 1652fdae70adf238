"""The question a message ends with (nlu.components.intent_classifier.question_focus)."""

from __future__ import annotations

import pytest

from nlu.components.intent_classifier import focus_start, question_focus


@pytest.mark.parametrize(
    ("folded", "focus"),
    [
        ("bo toi moi mat thang truoc, gia dinh lam tien tu tuat o dau", "gia dinh lam tien tu tuat o dau"),
        ("vo sinh doi thi chong duoc nghi may ngay", "chong duoc nghi may ngay"),
        ("le phi bao nhieu", "le phi bao nhieu"),  # a short question is its own focus
        ("nghien 3 nam roi, o dau", "nghien 3 nam roi o dau"),  # widened to three words
        ("ho so gom gi?", "ho so gom gi"),
    ],
)
def test_the_focus_is_the_last_clause_widened_to_three_words(folded: str, focus: str) -> None:
    assert " ".join(question_focus(folded)) == focus


@pytest.mark.parametrize(
    ("folded", "question"),
    [
        ("bo toi moi mat thang truoc, gia dinh lam tien tu tuat o dau", "gia dinh lam tien tu tuat o dau"),
        ("nghien 3 nam roi, o dau", "nghien 3 nam roi, o dau"),  # widened: the whole message
        ("me em dang lanh tro cap, gio me mat thi xin mai tang o dau", "xin mai tang o dau"),
    ],
)
def test_focus_start_is_where_that_question_begins(folded: str, question: str) -> None:
    assert folded[focus_start(folded) :].strip() == question
