"""The reference service's JSON, split by direction; keys are the Vietnamese names such systems use.

``maHoSo``, ``tenThuTuc``, ``ngayTiepNhan``, ``ngayHenTra``, ``trangThai``, ``buocHienTai``,
``donViXuLy``, ``noiDungBoSung``, ``lyDoTuChoi``... The bot reads them through the field mapping
in ``config.yml``, as it would read any other system's.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DossierCreate", "DossierRead", "DossierUpdate", "ServiceStatus", "StepCreate", "StepRead", "tidy_code"]


class ServiceStatus(StrEnum):
    """Status values of the reference service (not the bot's: those come through the mapping)."""

    MOI_TIEP_NHAN = "MOI_TIEP_NHAN"
    DANG_XU_LY = "DANG_XU_LY"
    CHO_BO_SUNG = "CHO_BO_SUNG"
    DA_CO_KET_QUA = "DA_CO_KET_QUA"
    DA_TRA_KET_QUA = "DA_TRA_KET_QUA"
    QUA_HAN = "QUA_HAN"
    TU_CHOI = "TU_CHOI"


def tidy_code(code: str) -> str:
    return code.strip().upper()


class _Schema(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class _ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DossierCreate(_Schema):
    code: str = Field(alias="maHoSo", min_length=5, max_length=64, pattern=r"^[0-9A-Za-z.\-/]+$")
    procedure_code: str | None = Field(default=None, alias="maThuTuc", max_length=64)
    procedure_name: str = Field(alias="tenThuTuc", min_length=1, max_length=1000)
    applicant_name: str | None = Field(default=None, alias="chuHoSo", max_length=200)
    applicant_phone: str | None = Field(default=None, alias="soDienThoai", max_length=32)
    applicant_id_number: str | None = Field(default=None, alias="soGiayTo", max_length=32)
    received_on: dt.date = Field(alias="ngayTiepNhan")
    due_on: dt.date | None = Field(default=None, alias="ngayHenTra")
    status: ServiceStatus = Field(default=ServiceStatus.MOI_TIEP_NHAN, alias="trangThai")
    current_step: str | None = Field(default=None, alias="buocHienTai", max_length=500)
    department: str | None = Field(default=None, alias="donViXuLy", max_length=500)
    missing: list[str] = Field(default_factory=list, alias="noiDungBoSung", max_length=50)
    rejection_reason: str | None = Field(default=None, alias="lyDoTuChoi", max_length=2000)

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return tidy_code(value)


class DossierUpdate(_Schema):
    """Fields a one-stop system changes as it works; those left out stay as they are."""

    status: ServiceStatus | None = Field(default=None, alias="trangThai")
    current_step: str | None = Field(default=None, alias="buocHienTai", max_length=500)
    department: str | None = Field(default=None, alias="donViXuLy", max_length=500)
    due_on: dt.date | None = Field(default=None, alias="ngayHenTra")
    missing: list[str] | None = Field(default=None, alias="noiDungBoSung", max_length=50)
    rejection_reason: str | None = Field(default=None, alias="lyDoTuChoi", max_length=2000)


class StepCreate(_Schema):
    """A processing step, pushed as it starts; it becomes the current step (and may change the status)."""

    name: str = Field(alias="tenBuoc", min_length=1, max_length=500)
    department: str | None = Field(default=None, alias="donVi", max_length=500)
    note: str | None = Field(default=None, alias="ghiChu", max_length=2000)
    status: ServiceStatus | None = Field(default=None, alias="trangThai")


class StepRead(_ReadSchema):
    name: str = Field(serialization_alias="tenBuoc")
    department: str | None = Field(serialization_alias="donVi")
    note: str | None = Field(serialization_alias="ghiChu")
    at: dt.datetime = Field(serialization_alias="thoiGian")


class DossierRead(_ReadSchema):
    code: str = Field(serialization_alias="maHoSo")
    procedure_code: str | None = Field(serialization_alias="maThuTuc")
    procedure_name: str = Field(serialization_alias="tenThuTuc")
    applicant_name: str | None = Field(serialization_alias="chuHoSo")
    applicant_phone: str | None = Field(serialization_alias="soDienThoai")
    applicant_id_number: str | None = Field(serialization_alias="soGiayTo")
    received_on: dt.date = Field(serialization_alias="ngayTiepNhan")
    due_on: dt.date | None = Field(serialization_alias="ngayHenTra")
    status: ServiceStatus = Field(serialization_alias="trangThai")
    current_step: str | None = Field(serialization_alias="buocHienTai")
    department: str | None = Field(serialization_alias="donViXuLy")
    missing: list[str] = Field(serialization_alias="noiDungBoSung")
    rejection_reason: str | None = Field(serialization_alias="lyDoTuChoi")
    updated_at: dt.datetime = Field(serialization_alias="ngayCapNhat")
    steps: list[StepRead] = Field(serialization_alias="quaTrinhXuLy")
