"""Another system's JSON read through the field mapping in config.yml, and what a record may reveal."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.dossier.client import DossierDataError
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.models import DossierRecord, DossierStatus
from knowledge.dossier.settings import REFERENCE_FIELDS, REFERENCE_STATUSES

# A made-up provincial system: nested record, numeric statuses, dd/mm/yyyy dates.
OTHER_FIELDS = {
    "code": "hoSo.soHoSo",
    "status": "hoSo.tinhTrang",
    "procedure": "hoSo.thuTuc.ten",
    "received_on": "hoSo.ngayNhan",
    "due_on": "hoSo.hanTra",
    "step": "hoSo.congDoan",
    "department": "hoSo.coQuan",
    "missing": "hoSo.canBoSung",
    "phone": "hoSo.nguoiNop.dienThoai",
    "id_number": "hoSo.nguoiNop.cccd",
}
OTHER_STATUSES = {"1": "received", "2": "processing", "3": "supplement_required", "9": "returned"}
OTHER_BODY = {
    "ketQua": {
        "hoSo": {
            "soHoSo": "000.00.15.H29-240312-0042",
            "tinhTrang": 3,
            "thuTuc": {"ten": "Giải quyết hưởng trợ cấp thất nghiệp"},
            "ngayNhan": "12/03/2024",
            "hanTra": "02/04/2024 17:00:00",
            "congDoan": "Thẩm định",
            "coQuan": "Trung tâm Dịch vụ việc làm",
            "canBoSung": "Sổ bảo hiểm xã hội; Quyết định nghỉ việc",
            "nguoiNop": {"dienThoai": "0912 345 678", "cccd": "001203004321"},
        }
    }
}


def test_another_systems_json_is_read_without_code_changes() -> None:
    mapping = FieldMapping(fields=OTHER_FIELDS, statuses=OTHER_STATUSES, record_path="ketQua")
    record = mapping.read(OTHER_BODY)
    assert record == DossierRecord(
        code="000.00.15.H29-240312-0042",
        status=DossierStatus.SUPPLEMENT_REQUIRED,
        procedure="Giải quyết hưởng trợ cấp thất nghiệp",
        received_on=dt.date(2024, 3, 12),
        due_on=dt.date(2024, 4, 2),
        step="Thẩm định",
        department="Trung tâm Dịch vụ việc làm",
        missing=("Sổ bảo hiểm xã hội", "Quyết định nghỉ việc"),
        verification_suffixes=frozenset({"5678", "4321"}),
    )


def test_only_the_last_four_digits_leave_the_adapter() -> None:
    mapping = FieldMapping(fields=OTHER_FIELDS, statuses=OTHER_STATUSES, record_path="ketQua")
    text = repr(mapping.read(OTHER_BODY))
    assert "0912" not in text and "345678" not in text and "001203004321" not in text


def test_the_reference_mapping_reads_the_reference_shape() -> None:
    mapping = FieldMapping(fields=REFERENCE_FIELDS, statuses=REFERENCE_STATUSES)
    record = mapping.read(
        {"maHoSo": "X-1", "trangThai": "TU_CHOI", "lyDoTuChoi": "Không thuộc đối tượng",
         "ngayTiepNhan": "2024-03-12", "noiDungBoSung": [], "ngayCapNhat": "2024-03-13T08:00:00"}
    )
    assert record.status is DossierStatus.REJECTED
    assert record.reason == "Không thuộc đối tượng"
    assert record.updated_at == dt.datetime(2024, 3, 13, 8, 0)
    assert record.verification_suffixes == frozenset()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"ketQua": {"hoSo": {"soHoSo": "X", "tinhTrang": 7}}}, "not in the status mapping"),
        ({"ketQua": {"hoSo": {"tinhTrang": 1}}}, "no dossier code"),
        ({"ketQua": []}, "no record"),
        ({"ketQua": {"hoSo": {"soHoSo": "X", "tinhTrang": 1, "ngayNhan": "hôm qua"}}}, "not a date"),
    ],
)
def test_a_body_that_does_not_fit_is_a_data_error(body: dict[str, object], problem: str) -> None:
    mapping = FieldMapping(fields=OTHER_FIELDS, statuses=OTHER_STATUSES, record_path="ketQua")
    with pytest.raises(DossierDataError, match=problem):
        mapping.read(body)


def test_a_wrong_mapping_fails_at_start() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        FieldMapping(fields={"code": "a", "status": "b", "colour": "c"}, statuses={})
    with pytest.raises(ValueError, match="must be mapped"):
        FieldMapping(fields={"code": "a"}, statuses={})
    with pytest.raises(ValueError, match="is not one of"):
        FieldMapping(fields={"code": "a", "status": "b"}, statuses={"X": "finished"})


def test_verification_and_overdue() -> None:
    record = DossierRecord(
        code="C", status=DossierStatus.PROCESSING, due_on=dt.date(2024, 4, 2),
        verification_suffixes=frozenset({"5678", "4321"}),
    )
    assert record.verify("5678") and record.verify("4321")
    assert not record.verify("1234") and not record.verify("") and not record.verify(None)
    assert record.effective_status(dt.date(2024, 4, 2)) is DossierStatus.PROCESSING
    assert record.effective_status(dt.date(2024, 4, 3)) is DossierStatus.OVERDUE
    finished = DossierRecord(code="C", status=DossierStatus.RETURNED, due_on=dt.date(2024, 4, 2))
    assert finished.effective_status(dt.date(2025, 1, 1)) is DossierStatus.RETURNED
