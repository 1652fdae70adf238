from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from knowledge.catalogue import SqlCatalogue
from knowledge.loader import CatalogueDataError, load_catalogue_dir, load_catalogue_file

ROOT = Path(__file__).resolve().parents[2]
# The scope beside the checkout when there is one (it is the source), else the copy shipped with the tests.
SHARED_SCOPE = ROOT.parent / "shared" / "catalogue-scope.yml"
SCOPE = SHARED_SCOPE if SHARED_SCOPE.exists() else Path(__file__).parent / "fixtures" / "catalogue-scope.yml"
COMPLETENESS_FIELDS = ("level", "agency", "submit_to", "applicants", "conditions", "steps", "channels",
                       "documents", "result", "legal_basis", "online_level", "url")

MINIMAL = """
procedures:
  - code: demo
    name: Thủ tục mẫu
    field: viec_lam
    checked_on: 2026-11-22
    legal_basis: [{number: "1/2025/NĐ-CP", title: "Nghị định mẫu"}]
"""


def scope_codes() -> list[str]:
    # Read codes from the raw text: names in the scope file hold commas inside flow mappings.
    return re.findall(r"\{code: ([a-z0-9_]+)", SCOPE.read_text(encoding="utf-8"))


def test_shipped_catalogue_loads() -> None:
    records = load_catalogue_dir(ROOT / "knowledge/data")
    assert len(records) >= 45


def test_every_scope_procedure_is_complete() -> None:
    records = {r.code: r for r in load_catalogue_dir(ROOT / "knowledge/data")}
    missing = [code for code in scope_codes() if code not in records]
    assert not missing, f"scope procedures missing from knowledge/data: {missing}"
    gaps = [
        f"{code}.{field}"
        for code in scope_codes()
        for field in COMPLETENESS_FIELDS
        if not getattr(records[code], field) and field not in records[code].unconfirmed
    ]
    assert not gaps, f"fields neither filled nor marked unconfirmed: {gaps}"
    assert all(records[code].checked_on and records[code].checked for code in scope_codes())


def test_error_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(MINIMAL.replace("field: viec_lam", "field: viec_lam\n    level: district"))
    with pytest.raises(CatalogueDataError, match=r"bad\.yml: procedures\.0\.level"):
        load_catalogue_file(bad)


def test_missing_legal_basis_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "nobasis.yml"
    bad.write_text(
        MINIMAL.replace('    legal_basis: [{number: "1/2025/NĐ-CP", title: "Nghị định mẫu"}]\n', "")
    )
    with pytest.raises(CatalogueDataError, match="legal_basis"):
        load_catalogue_file(bad)


def test_duplicate_code_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(MINIMAL)
    (tmp_path / "b.yml").write_text(MINIMAL)
    with pytest.raises(CatalogueDataError, match=r"b\.yml: code 'demo' already defined in a\.yml"):
        load_catalogue_dir(tmp_path)


def test_upsert_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(MINIMAL)
    catalogue = SqlCatalogue(create_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    records = load_catalogue_dir(tmp_path)
    assert catalogue.upsert(records) == (1, 0)
    assert catalogue.upsert(records) == (0, 0)
    (tmp_path / "a.yml").write_text(MINIMAL.replace("Thủ tục mẫu", "Thủ tục mẫu mới"))
    assert catalogue.upsert(load_catalogue_dir(tmp_path)) == (0, 1)
    record = catalogue.get("demo")
    assert record is not None and record.name == "Thủ tục mẫu mới"


def test_the_catalogue_covers_every_field_with_eighty_entries() -> None:
    records = load_catalogue_dir(ROOT / "knowledge/data")
    assert len(records) >= 80
    assert {r.field for r in records} == {
        "viec_lam",
        "lao_dong_ngoai_nuoc",
        "quan_he_lao_dong",
        "an_toan_lao_dong",
        "giao_duc_nghe_nghiep",
        "nguoi_co_cong",
        "bao_tro_xa_hoi",
        "tre_em",
        "giam_ngheo",
        "phong_chong_te_nan",
        "bao_hiem_xa_hoi",
    }


def test_every_entry_has_the_phrases_people_use() -> None:
    for record in load_catalogue_dir(ROOT / "knowledge/data"):
        assert len(record.aliases) >= 3 and record.situations, record.code
        # A bare number ("22%", "111") would read a dossier code or a phone number as the procedure.
        assert not any(
            re.fullmatch(r"[\d%.,\s]+", k)
            for k in (*record.aliases, *record.keywords)
            if k != record.national_code and not re.fullmatch(r"\d\.\d{6}", k)
        ), record.code


def test_a_fact_left_unconfirmed_says_why() -> None:
    for record in load_catalogue_dir(ROOT / "knowledge/data"):
        for fact in record.facts:
            assert fact.unconfirmed is None or len(fact.unconfirmed) > 15, record.code
