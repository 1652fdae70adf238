"""Questions about a dossier just shown, with and without diacritics."""

from __future__ import annotations

import pytest

from actions.dossier_questions import dossier_question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("sao lại bị từ chối", "reason"),
        ("sao lai bi tu choi", "reason"),
        ("Vì sao hồ sơ của em không được duyệt ạ", "reason"),
        ("lý do từ chối là gì", "reason"),
        ("bị từ chối là sao", "reason"),
        ("bao giờ có kết quả", "result_time"),
        ("bao gio co ket qua vay", "result_time"),
        ("khi nào thì em nhận được", "result_time"),
        ("mấy ngày nữa thì xong ạ", "result_time"),
        ("kết quả bao giờ trả", "result_time"),
        ("còn thiếu giấy gì", "missing"),
        ("con thieu giay gi nua", "missing"),
        ("em phải bổ sung những gì", "missing"),
        ("cần bổ sung gì ạ", "missing"),
        ("giờ em phải làm gì", "next_step"),
        ("bay gio lam gi tiep", "next_step"),
        ("hồ sơ đang ở bước nào", "next_step"),
        ("thủ tục cấp giấy phép lao động cần giấy tờ gì", None),
        ("lệ phí bao nhiêu", None),
        ("cảm ơn em", None),
        ("xin chào", None),
    ],
)
def test_dossier_question(text: str, question: str | None) -> None:
    assert dossier_question(text) == question
