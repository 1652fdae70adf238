"""Extra tests over the whole national-portal sample beside the checkout (``../shared/data``).

Every behaviour they check is also tested on ``fixtures/portal``; these add the full 532 records
of two ministries and are skipped on a clone without ``../shared``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from knowledge.catalogue import SqlCatalogue
from knowledge.importers.national_portal import parse_portal_record
from knowledge.importers.run import import_path
from tests.knowledge.conftest import SHARED_SAMPLE

TODAY = dt.date(2026, 11, 23)
pytestmark = pytest.mark.skipif(not SHARED_SAMPLE.exists(), reason="shared/data not beside the checkout")


def test_every_sample_record_validates() -> None:
    records = [
        parse_portal_record(json.loads(p.read_text(encoding="utf-8")), checked_on=TODAY).record
        for p in sorted(SHARED_SAMPLE.rglob("*.json"))
    ]
    assert len(records) == 532 and len({r.code for r in records}) == 532
    assert sum(1 for r in records if r.documents) >= 530
    assert sum(1 for r in records if r.legal_basis) >= 530
    # Notes and sub-headings are not papers: a paper to hand in has at least one original or copy.
    handed_in = [d for r in records for d in r.documents if d.note != "xuất trình khi nộp hồ sơ"]
    assert sum(1 for d in handed_in if not (d.originals or d.copies)) <= 0.01 * len(handed_in)


def test_whole_sample_imports_without_a_skip(tmp_path: Path) -> None:
    catalogue = SqlCatalogue(create_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    report = import_path(catalogue=catalogue, path=SHARED_SAMPLE, checked_on=TODAY)
    summary = report.summary()
    assert summary["imported"] == 532 and summary["skipped"] == 0
    assert summary["conditions_kept"] >= 0.95 * summary["conditional_dossiers"]


def test_credit_cooperative_licence_with_glued_law_numbers() -> None:
    """1.001660: "Luật số 32/2024/QH1573/2025/TT-NHNN" is two numbers; forms glued to the names."""
    raw = json.loads((SHARED_SAMPLE / "ngan-hang-nha-nuoc/1.001660.json").read_text(encoding="utf-8"))
    record = parse_portal_record(raw, checked_on=TODAY).record
    assert [b.number for b in record.legal_basis] == ["32/2024/QH15", "73/2025/TT-NHNN"]
    assert record.legal_basis[0].title == "Luật Các tổ chức tín dụng"
    assert [(c.method, c.processing_time, c.fee) for c in record.channels] == [
        ("post", "21 ngày", "Miễn phí"),
        ("in_person", "21 ngày", "Miễn phí"),
        ("online", "21 ngày", "Miễn phí"),
    ]
    assert [(d.originals, d.copies) for d in record.documents] == [(1, 0)] * 4
    assert [d.form for d in record.documents] == ["Phụ lục V.docx", "Phụ lục IV.docx", None, None]
    assert record.documents[0].name.endswith("ban hành kèm theo Thông tư số 73/2025/TT-NHNN.")
    assert record.level == "central" and "Cấp bộ, Cấp tỉnh" in (record.notes or "")
    assert record.field == "thanh_lap_va_hoat_dong_ngan_hang"
