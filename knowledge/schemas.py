"""Shapes of a catalogue entry, as written in ``knowledge/data/*.yml`` and read back by actions.

One YAML file per field holds ``procedures: [...]``; every entry is validated here at load so that a
typo names its file and field instead of surfacing later as a wrong answer.

A fact that could not be confirmed from a text in force is not left empty: its field name goes into
``unconfirmed`` with the reason, e.g. ``unconfirmed: {fee: "Biểu phí do HĐND tỉnh quyết định"}``,
and the bot says so and points to the official page.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CatalogueFile",
    "Channel",
    "Document",
    "Fact",
    "FactAspect",
    "LegalBasis",
    "Level",
    "ProcedureRecord",
    "Related",
    "SubmissionMethod",
]

Level = Literal["central", "province", "commune"]
SubmissionMethod = Literal["in_person", "online", "post"]
FactAspect = Literal[
    "documents", "fee", "benefit", "processing_time", "where_to_submit", "eligibility", "steps", "forms",
    "legal_basis",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(_Strict):
    """One way of submitting: ``{method: online, processing_time: "05 ngày làm việc", fee: "Không"}``."""

    method: SubmissionMethod
    processing_time: str
    fee: str
    note: str | None = None


class Document(_Strict):
    """One paper of the dossier (thành phần hồ sơ).

    ``case`` groups conditional papers: ``"Nếu là chuyên gia"``; ``None`` means always required.
    """

    name: str
    originals: int = Field(ge=0, default=0)
    copies: int = Field(ge=0, default=0)
    form: str | None = None
    case: str | None = None
    note: str | None = None


class LegalBasis(_Strict):
    """A legal text: ``{number: "219/2025/NĐ-CP", title: "Nghị định quy định về người lao động nước ngoài...", date: 2025-08-07}``."""

    number: str
    title: str
    date: dt.date | None = None
    articles: str | None = None  # "Điều 38, 39": the articles the entry rests on, where known


class Fact(_Strict):
    """A question-level fact: the ways citizens ask it, the answer, and the text of law it comes from.

    ``{aspect: eligibility, asks: ["nghỉ việc quá 3 tháng có nộp hồ sơ được không"], answer: "Không.
    Hồ sơ phải nộp trong 03 tháng kể từ ngày chấm dứt hợp đồng...", basis: "Điều 39 Luật Việc làm
    74/2025/QH15"}``. A yes/no question is answered from here instead of with the whole section."""

    aspect: FactAspect
    asks: list[str] = Field(min_length=1)
    answer: str
    basis: str | None = None
    # Why the answer could not be confirmed from the text in force; the bot then says so and points to
    # the official page instead of stating the answer as a plain fact.
    unconfirmed: str | None = None


class Related(_Strict):
    """A procedure that the citizen of this one usually needs next, for what this one does not give.

    ``{code: monthly_social_allowance, aspects: [benefit], why: "Giấy xác nhận khuyết tật không kèm
    tiền; người khuyết tật nặng, đặc biệt nặng có giấy được xét trợ cấp xã hội hằng tháng"}`` on the
    disability certificate: after it, "được trợ cấp bao nhiêu" is about the monthly allowance. Only
    where the link is real (the law makes one the basis of the other); ``why`` is said to the user."""

    code: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    aspects: list[FactAspect] = Field(min_length=1)
    why: str


class ProcedureRecord(_Strict):
    """A whole procedure as the chatbot answers about it."""

    code: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    national_code: str | None = None
    name: str
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    situations: list[str] = Field(default_factory=list)
    field: str
    field_name: str | None = None  # shown to users; curated fields take theirs from knowledge/fields.yml
    level: Level | None = None
    agency: str | None = None
    submit_to: str | None = None
    applicants: str | None = None
    conditions: list[str] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    result: str | None = None
    benefit: str | None = None
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    online_level: str | None = None
    url: str | None = None
    checked_on: dt.date
    checked: str | None = None
    # Set on records imported from the national portal: the day of the import, which is not a check
    # of the content against the law (the footer says "nhập từ Cổng DVC ngày ...").
    imported_on: dt.date | None = None
    unconfirmed: dict[str, str] = Field(default_factory=dict)
    notes: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    related: list[Related] = Field(default_factory=list)
    source: Literal["curated", "national_portal"] = "curated"

    @model_validator(mode="after")
    def _has_name_and_basis(self) -> ProcedureRecord:
        if not self.legal_basis and "legal_basis" not in self.unconfirmed:
            raise ValueError("legal_basis is empty and not listed in unconfirmed")
        return self


class CatalogueFile(_Strict):
    """The top level of one ``knowledge/data/*.yml`` file."""

    procedures: list[ProcedureRecord]
