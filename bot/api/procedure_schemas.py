"""Read schemas of the procedure API: what ``GET /api/procedures`` and ``/api/procedures/{code}`` return.

Kept apart from ``knowledge.schemas`` (the write side, which validates the YAML and the importers'
output): the API can add a score or drop an internal field without touching what the data files
accept. Built from a ``ProcedureRecord`` with ``model_validate(record, from_attributes=True)``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ChannelRead",
    "DocumentRead",
    "LegalBasisRead",
    "ProcedureRead",
    "ProcedureSearchRead",
    "ProcedureSummaryRead",
]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ChannelRead(_Read):
    """``{"method": "online", "processing_time": "5 ngày làm việc", "fee": "Miễn phí", "note": null}``"""

    method: str
    processing_time: str
    fee: str
    note: str | None = None


class DocumentRead(_Read):
    """``{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0, "form": "Mẫu TK.docx", ...}``"""

    name: str
    originals: int
    copies: int
    form: str | None = None
    case: str | None = None
    note: str | None = None


class LegalBasisRead(_Read):
    """``{"number": "123/2015/NĐ-CP", "title": "Nghị định quy định chi tiết ... Luật Hộ tịch", ...}``"""

    number: str
    title: str
    date: dt.date | None = None


class ProcedureSummaryRead(_Read):
    """One search result: enough to show a list and to fetch the whole procedure by ``code``."""

    code: str
    national_code: str | None
    name: str
    field: str
    level: str | None
    agency: str | None
    source: str
    url: str | None
    checked_on: dt.date
    score: float


class ProcedureSearchRead(BaseModel):
    query: str
    field: str | None
    count: int
    results: list[ProcedureSummaryRead]


class ProcedureRead(_Read):
    """The whole procedure; ``unconfirmed`` names the facts the catalogue could not confirm and why."""

    code: str
    national_code: str | None
    name: str
    aliases: list[str]
    keywords: list[str]
    field: str
    level: str | None
    agency: str | None
    submit_to: str | None
    applicants: str | None
    conditions: list[str]
    steps: list[str]
    channels: list[ChannelRead]
    documents: list[DocumentRead]
    result: str | None
    benefit: str | None
    legal_basis: list[LegalBasisRead]
    online_level: str | None
    url: str | None
    checked_on: dt.date
    unconfirmed: dict[str, str]
    notes: str | None
    source: str
