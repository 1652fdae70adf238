"""Chat answers about a procedure, in polite Vietnamese.

Every answer names the procedure ("Dạ, về thủ tục *Cấp giấy phép lao động...*:") so a
misunderstanding shows at once, and ends with the legal basis, the official link and the date the
entry was checked. A fact the catalogue marks unconfirmed is said to be unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from knowledge.schemas import Document, Fact, ProcedureRecord

__all__ = [
    "ASPECTS",
    "ASPECT_HEADINGS",
    "DECLINE_MARKERS",
    "fact_intent",
    "format_date",
    "hedge_line",
    "render_aspect",
    "render_fact",
    "source_footer",
    "split_message",
]

METHOD_NAMES = {"in_person": "Nộp trực tiếp", "online": "Nộp trực tuyến", "post": "Nộp qua bưu chính"}
LEVEL_NAMES = {"central": "cấp trung ương", "province": "cấp tỉnh", "commune": "cấp xã"}
DEFAULT_LIMIT = 1800

# The line each aspect's answer opens with, after the procedure header; a question-level fact
# opens with the same heading, so a reader (and the conversation tests) sees which question it answers.
ASPECT_HEADINGS: dict[str, tuple[str, ...]] = {
    "ask_documents": ("Hồ sơ gồm:", "Danh mục của em chưa có thành phần hồ sơ"),
    "ask_fee": ("Phí, lệ phí:", "Danh mục của em chưa có thông tin phí"),
    "ask_processing_time": ("Thời hạn giải quyết:", "Danh mục của em chưa có thời hạn"),
    "ask_where_to_submit": ("Nơi nộp hồ sơ:", "Cơ quan giải quyết:", "Danh mục của em chưa có thông tin nơi nộp"),
    "ask_eligibility": ("Đối tượng thực hiện:", "Điều kiện:", "Danh mục của em chưa có điều kiện"),
    "ask_procedure_steps": ("Trình tự thực hiện:", "Danh mục của em chưa có trình tự"),
    "ask_forms": ("Mẫu đơn, tờ khai:", "Thủ tục này không có mẫu đơn"),
    "ask_legal_basis": ("Căn cứ pháp lý:", "Danh mục của em chưa xác nhận căn cứ pháp lý"),
    "ask_benefit": ("Mức hưởng:", "Mức hưởng của thủ tục này", "Danh mục của em không ghi khoản tiền"),
}
# A fact's heading, where the section's first heading would not fit a one-line answer.
FACT_HEADINGS = {"ask_eligibility": "Điều kiện:", "ask_documents": "Hồ sơ gồm:"}
# Folded phrases every honest "not in my catalogue" reply holds (see ``decline_text``).
DECLINE_MARKERS = ("chua co trong danh muc",)


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "không rõ ngày"


PORTAL_HOME = "https://dichvucong.gov.vn"
UNCONFIRMED_PHRASE = "theo thông tin chưa được xác nhận chính thức"


def _check_at(record: ProcedureRecord) -> str:
    return f"👉 Anh/chị vui lòng kiểm tra lại tại {record.url or PORTAL_HOME} trước khi làm theo."


def _reasons(record: ProcedureRecord, fields: tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    for field in fields:
        reason = record.unconfirmed.get(field)
        if reason and reason.rstrip(". ") not in seen:
            seen.append(reason.rstrip(". "))
    return seen


def hedge_line(line: str, reasons: list[str]) -> str:
    """ "Mức hưởng: 1.080.000 đồng" → "Mức hưởng: (⚠️ theo thông tin chưa được xác nhận chính thức: <lý do>)
    1.080.000 đồng": the caveat comes before the figure, never after it."""
    caveat = f"(⚠️ {UNCONFIRMED_PHRASE}: {'; '.join(reasons)})"
    head, sep, rest = line.partition(": ")
    if sep:
        return f"{head}: {caveat} {rest}"
    if line.endswith(":"):
        return f"{line} {caveat}"
    return f"{line} {caveat}"


def _hedged(record: ProcedureRecord, fields: tuple[str, ...], text: str) -> str:
    """``text`` (an aspect's section) said as unconfirmed when any of ``fields`` is marked so: the caveat
    right after the heading, the official page to check at the end."""
    reasons = _reasons(record, fields)
    if not reasons:
        return text
    first, newline, rest = text.partition("\n")
    return f"{hedge_line(first, reasons)}{newline}{rest}\n{_check_at(record)}"


def _basis_text(basis) -> str:  # type: ignore[no-untyped-def]
    details = [basis.title]
    if basis.articles:
        details.append(basis.articles)
    if basis.date:
        details.append(f"ngày {format_date(basis.date)}")
    return f"{basis.number} ({', '.join(details)})"


def source_footer(record: ProcedureRecord) -> str:
    """Legal basis with articles; the procedure's own page and national code; when it was checked, or,
    for a record imported from the portal, that it was imported and not checked."""
    bases = "; ".join(_basis_text(basis) for basis in record.legal_basis) or "chưa xác nhận"
    url = record.url or PORTAL_HOME
    code = f" — mã thủ tục {record.national_code}" if record.national_code else ""
    if record.source == "national_portal" or record.imported_on:
        imported = record.imported_on or record.checked_on
        when = f"dữ liệu nhập từ Cổng Dịch vụ công quốc gia ngày {format_date(imported)}"
        when += ", chưa được kiểm tra lại"
    else:
        when = f"thông tin kiểm tra ngày {format_date(record.checked_on)}"
    return f"📚 Căn cứ pháp lý: {bases}\n🔗 Nguồn: {url}{code} ({when})"


def _copies(document: Document) -> str:
    parts = []
    if document.originals:
        parts.append(f"{document.originals:02d} bản chính")
    if document.copies:
        parts.append(f"{document.copies:02d} bản sao")
    return " + ".join(parts)


def _document_line(number: int, document: Document) -> str:
    line = f"{number}. {document.name}"
    extra = [part for part in (_copies(document), document.form and f"mẫu: {document.form}", document.note) if part]
    return line + (f" ({'; '.join(extra)})" if extra else "")


def documents(record: ProcedureRecord) -> str:
    if not record.documents:
        return _hedged(record, ("documents",), "Danh mục của em chưa có thành phần hồ sơ của thủ tục này.")
    always = [d for d in record.documents if not d.case]
    cases: dict[str, list[Document]] = {}
    for document in record.documents:
        if document.case:
            cases.setdefault(document.case, []).append(document)
    lines = ["Hồ sơ gồm:"]
    number = 0
    for document in always:
        number += 1
        lines.append(_document_line(number, document))
    for case, items in cases.items():
        # Papers for one case only: "nộp thêm" when some papers go for everyone, else the case alone.
        lines.append(f"\n{case.rstrip(':')}, nộp thêm:" if always else f"\n{case.rstrip(':')}:")
        for document in items:
            number += 1
            lines.append(_document_line(number, document))
    return _hedged(record, ("documents",), "\n".join(lines))


def fee(record: ProcedureRecord) -> str:
    if not record.channels:
        return _hedged(record, ("fee",), "Danh mục của em chưa có thông tin phí, lệ phí của thủ tục này.")
    lines = ["Phí, lệ phí:"]
    for channel in record.channels:
        lines.append(f"- {METHOD_NAMES[channel.method]}: {channel.fee}")
    return _hedged(record, ("fee", "channels"), "\n".join(lines))


def processing_time(record: ProcedureRecord) -> str:
    if not record.channels:
        empty = "Danh mục của em chưa có thời hạn giải quyết của thủ tục này."
        return _hedged(record, ("processing_time",), empty)
    lines = ["Thời hạn giải quyết:"]
    for channel in record.channels:
        note = f" ({channel.note})" if channel.note else ""
        lines.append(f"- {METHOD_NAMES[channel.method]}: {channel.processing_time}{note}")
    return _hedged(record, ("processing_time", "channels"), "\n".join(lines))


def where_to_submit(record: ProcedureRecord) -> str:
    lines = []
    if record.submit_to:
        lines.append(f"Nơi nộp hồ sơ: {record.submit_to}")
    if record.agency:
        lines.append(f"Cơ quan giải quyết: {record.agency}")
    if record.level:
        lines.append(f"Cấp thực hiện: {LEVEL_NAMES[record.level]}")
    if record.channels:
        methods = ", ".join(METHOD_NAMES[c.method].lower() for c in record.channels)
        lines.append(f"Cách nộp: {methods}")
    if record.online_level:
        lines.append(f"Dịch vụ công trực tuyến: {record.online_level}")
    if not lines:
        lines.append("Danh mục của em chưa có thông tin nơi nộp của thủ tục này.")
    return _hedged(record, ("submit_to", "agency"), "\n".join(lines))


def eligibility(record: ProcedureRecord) -> str:
    lines = []
    if record.applicants:
        lines.append(f"Đối tượng thực hiện: {record.applicants}")
    if record.conditions:
        lines.append("Điều kiện:")
        lines.extend(f"- {condition}" for condition in record.conditions)
    if not lines:
        lines.append("Danh mục của em chưa có điều kiện của thủ tục này.")
    return _hedged(record, ("conditions", "applicants"), "\n".join(lines))


def steps(record: ProcedureRecord) -> str:
    if not record.steps:
        return _hedged(record, ("steps",), "Danh mục của em chưa có trình tự thực hiện của thủ tục này.")
    lines = ["Trình tự thực hiện:"]
    lines.extend(f"Bước {i}. {step}" for i, step in enumerate(record.steps, start=1))
    return _hedged(record, ("steps",), "\n".join(lines))


def forms(record: ProcedureRecord) -> str:
    with_form = [d for d in record.documents if d.form]
    if not with_form:
        empty = "Thủ tục này không có mẫu đơn, tờ khai riêng trong danh mục của em."
        return _hedged(record, ("forms", "documents"), empty)
    lines = ["Mẫu đơn, tờ khai:"]
    lines.extend(f"- {d.form}: {d.name}" for d in with_form)
    return _hedged(record, ("forms",), "\n".join(lines))


def legal_basis(record: ProcedureRecord) -> str:
    if not record.legal_basis:
        empty = "Danh mục của em chưa xác nhận căn cứ pháp lý của thủ tục này."
        return _hedged(record, ("legal_basis",), empty)
    lines = ["Căn cứ pháp lý:"]
    for basis in record.legal_basis:
        date = f", ngày {format_date(basis.date)}" if basis.date else ""
        articles = f" ({basis.articles})" if basis.articles else ""
        lines.append(f"- {basis.number}: {basis.title}{articles}{date}")
    return _hedged(record, ("legal_basis",), "\n".join(lines))


def benefit(record: ProcedureRecord) -> str:
    if record.benefit:
        return _hedged(record, ("benefit",), f"Mức hưởng: {record.benefit}")
    if "benefit" in record.unconfirmed:
        return _hedged(record, ("benefit",), "Mức hưởng của thủ tục này em chưa xác nhận được.")
    result = f" Kết quả của thủ tục là: {record.result.rstrip('.')}." if record.result else ""
    return "Danh mục của em không ghi khoản tiền chi trả nào cho thủ tục này." + result


ASPECTS: dict[str, Callable[[ProcedureRecord], str]] = {
    "ask_documents": documents,
    "ask_fee": fee,
    "ask_processing_time": processing_time,
    "ask_where_to_submit": where_to_submit,
    "ask_eligibility": eligibility,
    "ask_procedure_steps": steps,
    "ask_forms": forms,
    "ask_legal_basis": legal_basis,
    "ask_benefit": benefit,
}


def fact_intent(fact: Fact) -> str:
    """The intent whose question a fact answers: ``steps`` → ``ask_procedure_steps``."""
    return "ask_procedure_steps" if fact.aspect == "steps" else f"ask_{fact.aspect}"


def render_fact(record: ProcedureRecord, fact: Fact, *, limit: int = DEFAULT_LIMIT) -> list[str]:
    """A question-level answer under its aspect's heading, with the article it comes from:
    "Điều kiện: Không. Hồ sơ phải nộp trong 03 tháng ... (Căn cứ: Điều 39 Luật Việc làm 74/2025/QH15)"."""
    heading = FACT_HEADINGS.get(fact_intent(fact)) or ASPECT_HEADINGS[fact_intent(fact)][0]
    body = f"{heading} {fact.answer.strip()}"
    if fact.unconfirmed:
        body = hedge_line(body, [fact.unconfirmed.rstrip(". ")]) + f"\n{_check_at(record)}"
    body += f"\n(Căn cứ: {fact.basis})" if fact.basis else ""
    return _with_header_and_footer(record, body, limit)


def render_aspect(record: ProcedureRecord, aspect: str, *, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The answer as chat messages: header, body, footer; split at line breaks under ``limit``.
    The footer (legal basis and source) stays whole, at the end of the last part or after it."""
    return _with_header_and_footer(record, ASPECTS[aspect](record), limit)


def _with_header_and_footer(record: ProcedureRecord, body: str, limit: int) -> list[str]:
    footer = source_footer(record)
    parts = split_message(f"Dạ, về thủ tục \"{record.name}\":\n{body}", limit)
    if len(parts[-1]) + 2 + len(footer) <= limit:
        parts[-1] = f"{parts[-1]}\n\n{footer}"
    else:
        parts.extend(split_message(footer, limit))
    return parts


def split_message(text: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so no part exceeds ``limit`` characters."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()]
