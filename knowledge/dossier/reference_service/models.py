"""Tables of the reference one-stop service: dossiers and the processing steps appended to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["DossierRow", "ReferenceBase", "StepRow"]


class ReferenceBase(DeclarativeBase):
    pass


class DossierRow(ReferenceBase):
    __tablename__ = "reference_dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    procedure_name: Mapped[str] = mapped_column(Text)
    applicant_name: Mapped[str | None] = mapped_column(Text)
    applicant_phone: Mapped[str | None] = mapped_column(String(32))
    applicant_id_number: Mapped[str | None] = mapped_column(String(32))
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    current_step: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    missing: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    steps: Mapped[list[StepRow]] = relationship(
        back_populates="dossier", order_by="StepRow.id", cascade="all, delete-orphan"
    )


class StepRow(ReferenceBase):
    __tablename__ = "reference_dossier_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("reference_dossiers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    dossier: Mapped[DossierRow] = relationship(back_populates="steps")
