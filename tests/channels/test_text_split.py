"""Splitting long answers for platforms with a message size limit."""

from __future__ import annotations

import pytest

from channels.text_split import split_text

ANSWER = (
    'Dạ, về thủ tục "Cấp giấy phép lao động":\nHồ sơ gồm:\n1. Văn bản đề nghị cấp giấy phép lao động\n'
    "2. Giấy chứng nhận sức khỏe\n\n📚 Căn cứ pháp lý: 219/2025/NĐ-CP"
)


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("", 10, []),
        ("   \n ", 10, []),
        ("ngắn", 10, ["ngắn"]),
        ("một hai ba bốn", 7, ["một hai", "ba bốn"]),
        ("đoạn một.\n\nđoạn hai.", 15, ["đoạn một.", "đoạn hai."]),
        ("dòng một\ndòng hai", 12, ["dòng một", "dòng hai"]),
        ("a" * 25, 10, ["a" * 10, "a" * 10, "a" * 5]),
    ],
)
def test_table(text: str, limit: int, expected: list[str]) -> None:
    assert split_text(text, limit) == expected


@pytest.mark.parametrize("limit", [20, 45, 80, 4096])
def test_parts_fit_and_keep_every_word(limit: int) -> None:
    parts = split_text(ANSWER, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(ANSWER.split())


def test_paragraphs_are_preferred_to_lines() -> None:
    assert split_text(ANSWER, 140)[-1] == "📚 Căn cứ pháp lý: 219/2025/NĐ-CP"
