"""Citizens' messages per procedure, and about procedures we do not hold, as the classifier reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.procedure_questions import load_other_procedure_questions, load_procedure_questions


def test_both_kinds_load_and_a_missing_file_is_skipped(tmp_path: Path) -> None:
    ours = tmp_path / "ours.yml"
    ours.write_text("procedure_questions:\n- procedure: pension\n  aspect: eligibility\n  text: ' đủ 60 tuổi chưa '\n",
                    encoding="utf-8")
    theirs = tmp_path / "theirs.yml"
    theirs.write_text("other_procedure_questions:\n- topic: Đăng ký kết hôn\n  text: con gái tôi sắp cưới, làm giấy ở đâu\n",
                      encoding="utf-8")
    assert load_procedure_questions([ours, tmp_path / "none.yml"]) == [("đủ 60 tuổi chưa", "pension")]
    assert load_other_procedure_questions([theirs, tmp_path / "none.yml"]) == ["con gái tôi sắp cưới, làm giấy ở đâu"]


def test_an_entry_without_text_names_its_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("other_procedure_questions:\n- topic: Hộ chiếu\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.yml: entry 1"):
        load_other_procedure_questions([broken])
