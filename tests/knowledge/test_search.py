"""``search_procedures``: ranked by the NLU's retrieval index, with or without diacritics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from knowledge.catalogue import SqlCatalogue
from knowledge.loader import load_catalogue_dir
from knowledge.schemas import ProcedureRecord
from knowledge.search import search_procedures

ROOT = Path(__file__).resolve().parents[2]


def procedure(code: str, name: str, field: str, **extra: object) -> ProcedureRecord:
    return ProcedureRecord.model_validate(
        {
            "code": code,
            "name": name,
            "field": field,
            "checked_on": dt.date(2026, 11, 23),
            "unconfirmed": {"legal_basis": "thử nghiệm"},
            **extra,
        }
    )


@pytest.fixture
def catalogue(tmp_path: Path) -> SqlCatalogue:
    catalogue = SqlCatalogue(create_engine(f"sqlite:///{tmp_path / 'search.db'}"))
    catalogue.upsert(load_catalogue_dir(ROOT / "knowledge" / "data"))
    catalogue.upsert(
        [
            procedure("nc_1_001193", "Thủ tục đăng ký khai sinh", "ho_tich", national_code="1.001193"),
            procedure("nc_1_004884", "Thủ tục đăng ký lại khai sinh", "ho_tich", national_code="1.004884"),
            procedure("nc_1_000894", "Thủ tục đăng ký kết hôn", "ho_tich", national_code="1.000894"),
            procedure("nc_1_013859", "Cấp thẻ công chứng viên", "cong_chung", national_code="1.013859"),
        ]
    )
    return catalogue


def codes(catalogue: SqlCatalogue, query: str, **options: object) -> list[str]:
    hits = search_procedures(catalogue=catalogue, query=query, **options)  # type: ignore[arg-type]
    return [hit.record.code for hit in hits]


@pytest.mark.parametrize(
    "query", ["đăng ký khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Dang Ky Khai Sinh"]
)
def test_diacritic_and_case_insensitive(catalogue: SqlCatalogue, query: str) -> None:
    assert codes(catalogue, query)[:2] == ["nc_1_001193", "nc_1_004884"]


def test_alias_and_abbreviation(catalogue: SqlCatalogue) -> None:
    assert codes(catalogue, "gplđ")[0] == "work_permit_issue"
    assert codes(catalogue, "tro cap that nghiep")[0] == "unemployment_benefit"


def test_field_filter_keeps_only_that_field(catalogue: SqlCatalogue) -> None:
    hits = search_procedures(catalogue=catalogue, query="đăng ký", field="ho_tich", limit=10)
    assert hits and {hit.record.field for hit in hits} == {"ho_tich"}
    assert codes(catalogue, "giấy phép lao động", field="ho_tich") == []


def test_field_name_finds_its_procedures(catalogue: SqlCatalogue) -> None:
    assert set(codes(catalogue, "hộ tịch", limit=3)) == {"nc_1_001193", "nc_1_004884", "nc_1_000894"}


def test_codes_come_first(catalogue: SqlCatalogue) -> None:
    assert codes(catalogue, "1.013859")[0] == "nc_1_013859"
    assert codes(catalogue, "work_permit_issue")[0] == "work_permit_issue"


def test_ranked_and_limited(catalogue: SqlCatalogue) -> None:
    hits = search_procedures(catalogue=catalogue, query="giấy phép lao động", limit=3)
    assert len(hits) == 3 and [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_empty_query_lists_the_field(catalogue: SqlCatalogue) -> None:
    assert codes(catalogue, "", field="ho_tich") == ["nc_1_000894", "nc_1_001193", "nc_1_004884"]


def test_index_follows_catalogue_changes(catalogue: SqlCatalogue) -> None:
    assert "nc_1_000656" not in codes(catalogue, "đăng ký khai tử")
    catalogue.upsert([procedure("nc_1_000656", "Thủ tục đăng ký khai tử", "ho_tich")])
    assert codes(catalogue, "đăng ký khai tử")[0] == "nc_1_000656"
