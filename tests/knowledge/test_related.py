"""Links between procedures (``ProcedureRecord.related``) and which one answers an aspect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from knowledge.loader import load_catalogue_dir
from knowledge.related import answers, linked_for
from knowledge.schemas import ProcedureRecord

ROOT = Path(__file__).resolve().parents[2]
BASIS = [{"number": "20/2021/NĐ-CP", "title": "Nghị định trợ giúp xã hội"}]
LINK = {"code": "allowance", "aspects": ["benefit"], "why": "Giấy xác nhận không kèm khoản tiền nào"}


def record(code: str, **fields: Any) -> ProcedureRecord:
    return ProcedureRecord.model_validate(
        {"code": code, "name": code, "field": "bao_tro_xa_hoi", "checked_on": "2026-12-01", "legal_basis": BASIS, **fields}
    )


class Records(dict[str, ProcedureRecord]):
    def get(self, code: str) -> ProcedureRecord | None:  # type: ignore[override]
        return super().get(code)


def test_a_link_is_followed_for_what_the_procedure_in_context_does_not_give() -> None:
    records = Records(
        certificate=record("certificate", related=[LINK], steps=["Nộp đơn tại xã"]),
        allowance=record("allowance", benefit="Mức chuẩn 540.000 đồng nhân hệ số"),
    )
    found = linked_for(records, "certificate", "benefit")
    assert found is not None and found[1].code == "allowance"
    assert linked_for(records, "certificate", "steps") is None  # the certificate answers its own steps


def test_no_link_when_the_procedure_holds_the_aspect_or_the_target_does_not() -> None:
    holds = Records(
        certificate=record("certificate", related=[LINK], unconfirmed={"benefit": "Mức chưa đối chiếu"}),
        allowance=record("allowance", benefit="Mức chuẩn 540.000 đồng"),
    )
    assert linked_for(holds, "certificate", "benefit") is None
    empty_target = Records(certificate=record("certificate", related=[LINK]), allowance=record("allowance"))
    assert linked_for(empty_target, "certificate", "benefit") is None
    not_listed = Records(
        certificate=record("certificate", related=[{**LINK, "aspects": ["fee"]}]),
        allowance=record("allowance", benefit="Mức chuẩn"),
    )
    assert linked_for(not_listed, "certificate", "benefit") is None


def test_a_fact_counts_as_an_answer() -> None:
    entry = record("x", facts=[{"aspect": "benefit", "asks": ["được bao nhiêu"], "answer": "Không có tiền."}])
    assert answers(entry, "benefit") and not answers(entry, "steps")


def test_a_link_names_its_aspects() -> None:
    with pytest.raises(ValidationError):
        record("certificate", related=[{**LINK, "aspects": []}])
    with pytest.raises(ValidationError):
        record("certificate", related=[{**LINK, "aspects": ["money"]}])


def test_shipped_links_point_at_entries_that_answer_them() -> None:
    records = {r.code: r for r in load_catalogue_dir(ROOT / "knowledge/data")}
    links = [(r.code, link) for r in records.values() for link in r.related]
    assert links, "the catalogue links the disability certificate to the monthly allowance"
    for code, link in links:
        assert link.code in records and link.code != code
        assert all(answers(records[link.code], aspect) for aspect in link.aspects), (code, link.code)
