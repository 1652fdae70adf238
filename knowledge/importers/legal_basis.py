"""Splits the portal's flattened "Căn cứ pháp lý" table back into ``LegalBasis`` rows.

The table is pairs of *title* and *number* glued together::

    Tên văn bản pháp lýMã văn bảnThông tư quy định mức thu ... người dân64/2025/TT-BTCThông tư 06/2025/
    TT-BTP quy định về tập sự hành nghề công chứng06/2025/TT-BTP

Numbers have a known shape (``64/2025/TT-BTC``, ``32/2024/QH15``, ``66.7/2025/NQ-CP``,
``1898/QĐ-BTP``), so they are found first, and each one is read as the number cell of a row when it
is glued to the next title (or ends the table), and as part of a title when a space or punctuation
follows it ("Thông tư số 08/2025/TT-BTP ngày 12/6/2025 ..."). Glue on the left is undone too:
``"Luật Công chứng năm 202446/2024/QH15"`` is the year 2024 and the law 46/2024/QH15, and
``"QH1573/2025/TT-NHNN"`` is QH15 then 73/2025/TT-NHNN because a legislature has two digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from knowledge.importers.text import NOT_GIVEN, NOT_PARSED, clean, is_no_info
from knowledge.schemas import LegalBasis

__all__ = ["LegalBasisParse", "find_numbers", "parse_legal_basis"]

HEADER = "Tên văn bản pháp lýMã văn bản"
NO_NUMBER = "không rõ số hiệu"
_START = re.compile(r"\d+(?:\.\d+)?/")
_YEAR = re.compile(r"(?:19|20)\d\d/")
_LEGISLATURE = re.compile(r"(?:UBTVQH|QH)\d{2}")
_KINDS = {
    "QH": "Luật",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "L": "Lệnh",
    "PL": "Pháp lệnh",
    "VBHN": "Văn bản hợp nhất",
    "CT": "Chỉ thị",
}
# Issuers and kinds that a lower-case word may follow directly ("TT-NHNNsố 50/2025/TT-NHNN").
_ISSUERS = frozenset(
    {
        "CP",
        "BTC",
        "BTP",
        "NHNN",
        "BCA",
        "BNNMT",
        "BDTTG",
        "UBDT",
        "BHXH",
        "NHCSXH",
        "BNG",
        "BQP",
        "BYT",
        "BNV",
        "BCT",
        "BXD",
        "BLĐTBXH",
        "BTNMT",
        "BKHĐT",
        "BGTVT",
        "BGDĐT",
        "BNNPTNT",
        "BTTTT",
        "BVHTTDL",
        "BKHCN",
        "VPCP",
        "UBND",
        "HĐND",
        "TANDTC",
        "VKSNDTC",
        "KTNN",
        "CTN",
        "NĐ",
        "TT",
        "QĐ",
        "NQ",
        "TTLT",
        "NQLT",
        "VBHN",
        "CT",
        "PL",
    }
)
_CAPITAL_TITLES = ("THÔNG", "LUẬT", "NGHỊ", "QUYẾT", "PHÁP", "BỘ", "VĂN", "CHỈ")
# The number cell sometimes repeats the kind of text: "...tín dụngLuật số 32/2024/QH15".
_CELL_PREFIX = re.compile(
    r"(?:(?:Luật|Bộ luật|Thông tư liên tịch|Thông tư|Nghị định|Nghị quyết|Quyết định|Pháp lệnh|Lệnh"
    r"|Văn bản hợp nhất)\s*)?"
    r"(?:[Ss]ố\s*)?$"
)
_DATE_NUMERIC = re.compile(r"^\s*,?\s*ngày\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_DATE_WORDS = re.compile(r"^\s*,?\s*ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A number found in the flattened text, e.g. ``NumberSpan("46/2024/QH15", 27, 39)``."""

    number: str
    start: int
    end: int


@dataclass(slots=True)
class LegalBasisParse:
    legal_basis: list[LegalBasis] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def find_numbers(text: str) -> list[NumberSpan]:
    """Every legal document number in ``text``, left to right, glue undone."""
    spans: list[NumberSpan] = []
    position = 0
    while match := _START.search(text, position):
        span = _read_number(text, match)
        if span is None:
            position = match.start() + 1
            continue
        spans.append(span)
        position = span.end
    return spans


def _read_number(text: str, match: re.Match[str]) -> NumberSpan | None:
    head = match.group()[:-1]
    start = match.start()
    if len(head) > 4 and _YEAR.match(head[:4] + "/"):
        # "năm 201601/2016/QH14": the year belongs to the title.
        head, start = head[4:], start + 4
    position = match.end()
    year = _YEAR.match(text, position)
    if year:
        position = year.end()
    suffix_end = _read_suffix(text, position)
    if suffix_end is None:
        return None
    suffix = text[position:suffix_end]
    if not year and "-" not in suffix:
        return None  # "1/A" is not a number; "160/QĐ-BTP" is
    number = f"{head}/{year.group() if year else ''}{suffix}"
    return NumberSpan(number, start, suffix_end)


def _read_suffix(text: str, position: int) -> int | None:
    """End of ``NĐ-CP``, ``TT-NHNN``, ``QĐ-TTg``, ``QH15`` starting at ``position``; a capital that
    begins the next title ("TT-BTCThông tư") is left out."""
    end = position
    while True:
        segment_end = _read_segment(text, end)
        if segment_end is None:
            return end - 1 if end > position else None  # drop a dangling "-"
        end = segment_end
        if text.startswith("-", end) and end + 1 < len(text) and text[end + 1].isupper():
            end += 1
            continue
        return end


def _read_segment(text: str, position: int) -> int | None:
    legislature = _LEGISLATURE.match(text, position)
    if legislature:
        return legislature.end()
    if text.startswith("TTg", position):
        return position + 3
    end = position
    while end < len(text) and text[end].isupper():
        end += 1
    run = text[position:end]
    issuer = _issuer_prefix(run)
    if issuer:
        return position + issuer  # "TT-BCASỬA ĐỔI": BCA, then a title in capitals
    if end < len(text) and text[end].islower() and run not in _ISSUERS:
        end -= 1  # "TT-BTCThông tư": the T starts the next title; "TT-NHNNsố" keeps NHNN
    else:
        for word in _CAPITAL_TITLES:
            if run.endswith(word) and len(run) > len(word):
                end -= len(word)  # "NĐ-CPTHÔNG TƯ ...": a title in capitals follows
                break
    return end if end > position else None


def _issuer_prefix(run: str) -> int | None:
    """Length of the longest known issuer that ``run`` starts with when ``run`` itself is none:
    ``"BCASỬA"`` → 3. Issuer codes never run into another capital word, so the rest is the next title."""
    if len(run) < 3 or run in _ISSUERS:
        return None
    lengths = [k for k in range(2, len(run) - 1) if run[:k] in _ISSUERS]
    return max(lengths) if lengths else None


def parse_legal_basis(text: str) -> LegalBasisParse:
    """``"Tên văn bản pháp lýMã văn bảnThông tư 26/2019/TT-NHNN26/2019/TT-NHNN"`` →
    ``[LegalBasis(number="26/2019/TT-NHNN", title="Thông tư 26/2019/TT-NHNN")]``."""
    out = LegalBasisParse()
    body = clean(text).replace("\n", " ")
    body = body.removeprefix(HEADER)
    if is_no_info(body):
        out.problems["legal_basis"] = NOT_GIVEN
        return out
    spans = find_numbers(body)
    cells = _number_cells(body, spans)
    seen: set[str] = set()
    position = 0
    for span in cells:
        title = _title(body[position : span.start], span.number)
        date = _date(body[position : span.start], span.number)
        position = span.end
        if span.number in seen:
            continue
        seen.add(span.number)
        out.legal_basis.append(LegalBasis(number=span.number, title=title, date=date))
    leftover = body[position:].strip(" .;,")
    if leftover:
        out.legal_basis.append(LegalBasis(number=NO_NUMBER, title=leftover))
        out.problems["legal_basis"] = NOT_PARSED
    if not out.legal_basis:
        out.problems["legal_basis"] = NOT_PARSED
    return out


def _number_cells(body: str, spans: list[NumberSpan]) -> list[NumberSpan]:
    """The spans that are number cells (see the module docstring)."""
    cells = []
    for index, span in enumerate(spans):
        after = body[span.end : span.end + 1]
        rest = body[span.end :]
        following = spans[index + 1] if index + 1 < len(spans) else None
        glued_to_next = following is not None and following.start == span.end
        if not rest.strip():
            cells.append(span)  # ends the table
        elif glued_to_next and following is not None:
            # "Thông tư 216/2016/TT-BTC216/2016/TT-BTC": a title quoting its number, then the cell;
            # "Luật số 32/2024/QH1573/2025/TT-NHNNSố 73/2025/TT-NHNN": a cell, then a title that is a number.
            repeated = index + 2 < len(spans) and spans[index + 2].number == following.number
            if (
                repeated
                and following.number != span.number
                and _CELL_PREFIX.fullmatch(body[following.end : spans[index + 2].start])
            ):
                cells.append(span)
        elif after.isalpha():
            cells.append(span)
        elif span.start > 0 and not body[span.start - 1].isspace() and re.match(r"\s+[A-ZĐ]", rest):
            cells.append(
                span
            )  # "...ngân hàng.24/2026/NQ-CP Hướng dẫn về...": glued on the left, a title follows
    return cells


def _title(segment: str, number: str) -> str:
    """The title cell: the segment before a number cell, without the cell's own "Luật số"."""
    title = segment.strip()
    prefix = _CELL_PREFIX.search(title)
    if prefix and prefix.group().strip():
        glued = prefix.start() > 0 and not title[prefix.start() - 1].isspace()
        if glued or prefix.start() == 0 or prefix.group().strip().lower() == "số":
            title = title[: prefix.start()].strip()
    title = title.strip(" .;,:")
    if not title or title == number:
        kind = re.split(r"[-/]", number.split("/")[-1])[0]
        kind = "QH" if kind.startswith(("QH", "UBTVQH")) else kind
        return _KINDS.get(kind, "Văn bản") + f" {number}"
    return title


def _date(segment: str, number: str) -> dt.date | None:
    """The date right after the number in its own title: "Thông tư số 08/2025/TT-BTP ngày 12/6/2025"."""
    at = segment.find(number)
    if at < 0:
        return None
    rest = segment[at + len(number) :]
    match = _DATE_NUMERIC.match(rest) or _DATE_WORDS.match(rest)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
