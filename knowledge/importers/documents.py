"""Splits the portal's flattened "Thành phần hồ sơ" tables back into ``Document`` rows.

Each table is a group header, the column titles, then rows of *name*, *form file(s)* and
*quantity*, all glued::

    * Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinh theo mẫu;
    Mẫu TK.docx1 bản chínhBản sao giấy tờ tùy thân0 bản chính,1 bản sao* Giấy tờ phải xuất trình:...

The quantity cell ("1 bản chính", "0 bản chính,1 bản sao") closes a row; it is told apart from the
same words inside a name ("(01 bản chính hoặc 01 bản sao có chứng thực)") by what surrounds it: a
cell is glued to the next row, a phrase inside a name goes on with a space and a lower-case word.
A number glued in front of the quantity ("Phụ lục số 031 bản chính") keeps its last digit as the
quantity. Form files end in ``.doc``/``.docx``/``.pdf``...; where the name stops and the file name
starts is read from the glue ("...ban hànhMẫu TP-HGTM-02.docx").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.importers.text import NOT_GIVEN, NOT_PARSED, clean, is_no_info
from knowledge.schemas import Document

__all__ = ["DocumentsParse", "parse_documents"]

TABLE = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COUNT = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?")
_FILE_END = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar)$", re.IGNORECASE)
_FORM_WORD = re.compile(r"(?:Mẫu|MẪU|Mau|MAU|Phụ lục|PHỤ LỤC|Phu luc|PL\s?\d)")
_GLUE = ';:),”"'
_LEADING = re.compile(r"^[\s\-–+*•.;:/]+")
_TRAILING = " ;,/\t"
_SUBMIT = re.compile(r"^giấy tờ phải nộp", re.IGNORECASE)
_SHOW = re.compile(r"^giấy tờ (?:phải )?xuất trình", re.IGNORECASE)
_NOTE = re.compile(r"^lưu ý", re.IGNORECASE)
_CONDITION = re.compile(r"^(?:trường hợp|đối với|nếu|khi)\b", re.IGNORECASE)
SHOWN_NOTE = "xuất trình khi nộp hồ sơ"


@dataclass(slots=True)
class DocumentsParse:
    documents: list[Document] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def parse_documents(text: str) -> DocumentsParse:
    """``"--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị1 bản chínhGiấy phép cũ1 bản chính"``
    → two documents, one original each."""
    out = DocumentsParse()
    body = clean(text).replace("\n", " ")
    if is_no_info(body):
        out.problems["documents"] = NOT_GIVEN
        return out
    tables = body.split(TABLE)
    if len(tables) < 2:
        out.problems["documents"] = NOT_PARSED
        return out
    header = tables[0]
    for index, table in enumerate(tables[1:]):
        last = index == len(tables) - 2
        rows, trailing = _rows(table)
        case, note = _group(header, first=index == 0)
        for name_and_forms, originals, copies in rows:
            name, forms = _split_forms(name_and_forms)
            if not name and not forms:
                continue
            out.documents.append(
                Document(
                    name=name or forms[0],
                    originals=originals,
                    copies=copies,
                    form=", ".join(forms) or None,
                    case=case,
                    note=note,
                )
            )
        if not rows:
            out.problems["documents"] = NOT_PARSED
        if last and trailing:
            # The last row's quantity cell was empty: keep the paper, its number of copies unknown.
            name, forms = _split_forms(trailing)
            out.documents.append(
                Document(
                    name=name or forms[0], originals=0, form=", ".join(forms) or None, case=case, note=note
                )
            )
        header = trailing
    if not out.documents:
        out.problems["documents"] = NOT_PARSED
    return out


def _rows(table: str) -> tuple[list[tuple[str, int, int]], str]:
    """Rows ``(name and forms, originals, copies)`` of one table, and the text after its last row
    (the next table's header)."""
    rows: list[tuple[str, int, int]] = []
    position = 0
    for match in _COUNT.finditer(table):
        start = match.start()
        if start < position or not _is_cell(table, match):
            continue
        digits = match.group(1)
        prefix = ""
        if len(digits) > 1 and (digits.startswith("0") or int(digits) > 20):
            # "Phụ lục số 031 bản chính": "03" belongs to the name, "1" is the quantity.
            prefix, digits = digits[:-1], digits[-1]
        name = (table[position:start] + prefix).strip()
        rows.append((name, int(digits), int(match.group(2) or 0)))
        position = match.end()
    return rows, table[position:].strip()


def _is_cell(table: str, match: re.Match[str]) -> bool:
    """A quantity cell is not inside parentheses and is not followed by more words of a sentence."""
    before = table[match.start() - 1] if match.start() else ""
    if before == "(":
        return False
    after = table[match.end() :]
    following = re.match(r"\s+(\w)", after)
    return not (following and following.group(1).islower()) and not after.startswith(")")


def _group(header: str, *, first: bool) -> tuple[str | None, str | None]:
    """(case, note) of the documents under a group header: "Giấy tờ phải nộp" is the dossier
    itself, "Giấy tờ phải xuất trình" is shown not handed in, "Trường hợp ...:" is a case."""
    label = _LEADING.sub("", header).strip().rstrip(":").strip()
    if not label or _SUBMIT.match(label):
        return None, None
    if _SHOW.match(label):
        return None, SHOWN_NOTE
    if _NOTE.match(label):
        return None, "lưu ý"
    if first and not _CONDITION.match(label):
        return None, None  # an introduction ("Người yêu cầu chứng thực nộp 01 bộ hồ sơ, gồm:")
    return label, None


def _split_forms(text: str) -> tuple[str, list[str]]:
    """``"Giấy đề nghị theo mẫu do Bộ Tư pháp ban hànhMẫu TP-HGTM-08.docxMẫu TP-HGTM-15.docx"`` →
    (``"Giấy đề nghị theo mẫu do Bộ Tư pháp ban hành"``, [the two files])."""
    forms: list[str] = []
    while match := _FILE_END.search(text):
        start = _file_start(text, match.start())
        forms.insert(0, text[start:].strip())
        text = text[:start]
    name = _LEADING.sub("", text).rstrip(_TRAILING).strip()
    return name, forms


def _file_start(text: str, stem_end: int) -> int:
    """Where a file name glued to the end of a document name begins."""
    known = [
        m.start()
        for m in _FORM_WORD.finditer(text, 0, stem_end)
        if m.start() == 0 or not text[m.start() - 1].isspace()
    ]
    punctuated = [p for p in range(1, stem_end) if text[p].isalnum() and text[p - 1] in _GLUE]
    if known:
        # "(Mẫu TP-ĐGTS-09 ban hành kèm theo ...)TP-DGTS-09.doc": the file starts after the ")".
        return max(known[-1], punctuated[-1] if punctuated else 0)
    cased = [p for p in range(1, stem_end) if text[p - 1].islower() and text[p].isupper()]
    if punctuated or cased:
        return max(punctuated[-1:] + cased[-1:])
    dotted = [p for p in range(1, stem_end) if text[p - 1] == "." and text[p].isalnum()]
    return dotted[-1] if dotted else 0
