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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from knowledge.importers.text import NOT_GIVEN, NOT_PARSED, clean, is_no_info
from knowledge.schemas import Document

__all__ = ["DocumentsParse", "DossierGroup", "parse_documents"]

TABLE = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COUNT = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?")
_FILE_END = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar)$", re.IGNORECASE)
_FORM_WORD = re.compile(r"(?:Mẫu|MẪU|Mau|MAU|Phụ lục|PHỤ LỤC|Phu luc|PL\s?\d)")
_GLUE = ';:),”"'
# A letter or digit right after one of the _GLUE marks (``[^\W_]`` is ``str.isalnum``).
_GLUED = re.compile(r"(?<=[;:),”\"])[^\W_]")
_LEADING = re.compile(r"^[\s\-–+*•.;:/]+")
_TRAILING = " ;,/\t"
_SUBMIT = re.compile(r"^(?:giấy tờ (?:phải )?nộp|thành phần hồ sơ$|hồ sơ (?:bao )?gồm$)", re.IGNORECASE)
_SHOW = re.compile(r"^giấy tờ (?:phải )?xuất trình", re.IGNORECASE)
_NOTE = re.compile(r"^(?:lưu ý|ghi chú|chú ý)\b", re.IGNORECASE)
_CONDITION = re.compile(r"^(?:trường hợp|đối với|nếu|khi|riêng|ngoài ra)\b", re.IGNORECASE)
# List markers in front of a group label: "(1.1)", "(i)", "a)", "1.", "b.", "*", "-".
_MARKER = re.compile(
    r"^\s*(?:[-–+*•]+|\(?\d+(?:\.\d+)*[.)]|\((?:[ivx]+|[a-zđ])\)|(?:[ivx]+|[a-zđ])[.)])\s*", re.IGNORECASE
)
_INTRO = re.compile(
    r"^(?:thành phần )?hồ sơ(?: đề nghị)? (?:bao )?gồm|\b(?:nộp|gửi|xuất trình)\b.*\b(?:bộ|hồ sơ|giấy tờ)\b",
    re.IGNORECASE,
)
# "... thì hồ sơ gồm", "bao gồm các giấy tờ sau đây": the tail of a label, not its condition.
_LABEL_TAIL = re.compile(
    r"[,;]?\s*(?:thì\s+)?(?:thành phần\s+)?(?:hồ sơ\s+)?(?:bao\s+)?gồm(?:\s+có)?(?:\s+(?:các|những)\s+giấy tờ"
    r"(?:,\s*tài liệu)?\s+sau(?:\s+đây)?)?\s*$",
    re.IGNORECASE,
)
# A row with no quantity that opens like a sentence about the procedure is a note, not a paper.
_NOTE_OPENER = re.compile(
    r"^(?:trường hợp|nếu|khi|lưu ý|ghi chú|người|cá nhân|cơ quan|việc|đối với|trong|sau khi|các giấy tờ"
    r"|giấy tờ nêu trên|bản chụp|hồ sơ)\b",
    re.IGNORECASE,
)
_SENTENCE_WORDS = 14
SHOWN_NOTE = "xuất trình khi nộp hồ sơ"

GroupKind = Literal["submit", "show", "note", "case", "intro"]


@dataclass(frozen=True, slots=True)
class DossierGroup:
    """One table of the dossier: its label as the portal wrote it, how it was read and how many
    papers it holds — what the import report counts ("the first group's condition kept")."""

    label: str
    kind: GroupKind
    documents: int


@dataclass(slots=True)
class DocumentsParse:
    documents: list[Document] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # "Lưu ý" rows and sentences, not papers
    groups: list[DossierGroup] = field(default_factory=list)

    @property
    def conditional(self) -> bool:
        """Several groups, at least one of them for a case ("Trường hợp ủy quyền")."""
        return len(self.groups) >= 2 and any(g.kind in ("case", "intro") for g in self.groups)

    @property
    def conditions_kept(self) -> bool:
        """No group beside the cases was taken for an introduction (its papers would read as
        required for everyone), and every case group's papers carry their case."""
        cases = any(g.kind == "case" for g in self.groups)
        return not (cases and any(g.kind == "intro" and g.documents for g in self.groups))


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
    several = len(tables) > 2
    header = tables[0]
    for index, table in enumerate(tables[1:]):
        last = index == len(tables) - 2
        rows, trailing = _rows(table)
        label = _label(header)
        kind = _kind(label, several=several)
        before = len(out.documents)
        reader = _GroupReader(out, label if kind == "case" else None, kind)
        for name_and_forms, originals, copies in rows:
            reader.add(name_and_forms, originals, copies)
        if not rows:
            out.problems["documents"] = NOT_PARSED
        if last and trailing:
            # The last row's quantity cell was empty: keep the paper, its number of copies unknown.
            reader.add(trailing, 0, 0, quantity_known=False)
        out.groups.append(DossierGroup(label, kind, len(out.documents) - before))
        header = trailing
    if not out.documents:
        out.problems["documents"] = NOT_PARSED
    return out


@dataclass(slots=True)
class _GroupReader:
    """Turns the rows of one table into papers, notes and sub-headings."""

    out: DocumentsParse
    case: str | None
    kind: GroupKind
    sub_case: str | None = None
    sub_note: str | None = None

    def add(self, name_and_forms: str, originals: int, copies: int, *, quantity_known: bool = True) -> None:
        name, forms = _split_forms(name_and_forms)
        name = name or (forms[0] if forms else "")
        if not name or not any(char.isalnum() for char in name):
            return  # "--", the crawler's empty cell
        no_quantity = originals == 0 and copies == 0
        if self.kind == "note" or _NOTE.match(name):
            self.out.notes.append(_NOTE.sub("", name).lstrip(" :").strip() or name)
            return
        if no_quantity and not forms and name.endswith(":"):
            heading = _label(name)
            if _CONDITION.match(heading):
                self.sub_case, self.sub_note = heading, None
            elif _INTRO.search(heading):
                self.sub_note = None  # "Người có yêu cầu ... nộp/xuất trình ... các giấy tờ sau"
            else:
                self.sub_note = heading  # "Chứng cứ ... gồm một trong các giấy tờ sau đây:"
            return
        if no_quantity and not forms and quantity_known and _is_sentence(name):
            self.out.notes.append(name)
            return
        case = "; ".join(part for part in (self.case, self.sub_case) if part) or None
        notes = [part for part in (SHOWN_NOTE if self.kind == "show" else None, self.sub_note) if part]
        self.out.documents.append(
            Document(
                name=name,
                originals=originals,
                copies=copies,
                form=", ".join(forms) or None,
                case=case,
                note="; ".join(notes) or None,
            )
        )


def _is_sentence(name: str) -> bool:
    """``"Trường hợp gửi hồ sơ qua bưu chính thì phải gửi kèm ..."`` is said about the dossier."""
    words = name.split()
    return bool(_NOTE_OPENER.match(name)) and (" thì " in name or len(words) >= _SENTENCE_WORDS)


def _label(header: str) -> str:
    """``"(1.1) Đối với doanh nghiệp thì hồ sơ gồm:"`` → ``"Đối với doanh nghiệp"``."""
    label = header.strip()
    while True:
        stripped = _MARKER.sub("", label, count=1).lstrip(" .;:/")
        if stripped == label:
            break
        label = stripped
    label = label.strip().rstrip(":").strip()
    label = _LABEL_TAIL.sub("", label).rstrip(" :,;").strip()
    return label


def _kind(label: str, *, several: bool) -> GroupKind:
    """How a group header is read: "Giấy tờ phải nộp" is the dossier itself, "Giấy tờ phải xuất
    trình" is shown not handed in, "Lưu ý" holds notes, "Trường hợp ...:" is a case. With several
    groups every other label names the case its papers are for ("Hồ sơ của người nhận con nuôi");
    a lone group's label is a case only when it says so, else an introduction."""
    if not label or not any(char.isalnum() for char in label) or _SUBMIT.match(label):
        return "submit"
    if _SHOW.match(label):
        return "show"
    if _NOTE.match(label):
        return "note"
    if _CONDITION.match(label):
        return "case"
    if _INTRO.search(label) and "xuất trình" in label.lower():
        return "show"  # "Người yêu cầu chứng thực phải xuất trình các giấy tờ sau"
    if _INTRO.search(label) or not several:
        return "intro"
    return "case"


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
    # Each candidate is the last place before ``stem_end`` where its test holds.
    punctuated = _last_glued(text, stem_end)
    if known:
        # "(Mẫu TP-ĐGTS-09 ban hành kèm theo ...)TP-DGTS-09.doc": the file starts after the ")".
        return max(known[-1], punctuated or 0)
    cased = _last_before(stem_end, lambda p: text[p - 1].islower() and text[p].isupper())
    if punctuated is not None or cased is not None:
        return max(p for p in (punctuated, cased) if p is not None)
    dotted = _last_before(stem_end, lambda p: text[p - 1] == "." and text[p].isalnum())
    return dotted or 0


def _last_glued(text: str, end: int) -> int | None:
    """A regular expression, not a loop over every character: document names run to pages."""
    last = None
    for match in _GLUED.finditer(text, 1, end):
        last = match.start()
    return last


def _last_before(end: int, test: Callable[[int], bool]) -> int | None:
    """Looked for from the end: a file name sits at the end of a document name."""
    return next((p for p in range(end - 1, 0, -1) if test(p)), None)
