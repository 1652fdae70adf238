"""Splits the portal's flattened "Cách thức thực hiện" table back into ``Channel`` rows.

The crawler glued the cells of each row together, and the rows one after another::

    Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến15 Ngày làm việc3,500,000 Việt Nam Đồng(/hồ sơ)
    Trực tiếp15 Ngày làm việc...

A row is a submission method, a time (``"15 Ngày làm việc"``, a bare ``"5"`` or ``"Không có
thông tin"``), a fee (``"Miễn phí"``, ``"3,500,000 Việt Nam Đồng"``, ``"200 USD"``) with an optional
``(...)`` detail, then a free description. When a bare time runs into a numeric fee
(``"Trực tuyến1200 VNĐ"``: 1 day and 200, or 12 and 00?) the split is taken from another row of the
same record that shows the bare time on its own, and is otherwise reported as not parsed rather
than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from knowledge.importers.text import NOT_GIVEN, NOT_PARSED, clean
from knowledge.schemas import Channel, SubmissionMethod

__all__ = ["ChannelsParse", "parse_channels"]

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
NO_INFO = "Không có thông tin"
UNKNOWN = "Chưa rõ"
METHODS: dict[str, SubmissionMethod] = {
    "Trực tuyến": "online",
    "Trực tiếp": "in_person",
    "Dịch vụ bưu chính": "post",
}
# A method name starts a row only when a time follows: "Trực tiếp thực hiện hoặc ủy quyền..." is
# a description.
_ROW = re.compile(r"(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\d|Không có thông tin)")
_UNITS = "Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần|Phút"
_TIME = re.compile(
    rf"(?P<none>Không có thông tin)|(?P<n>\d+(?:[.,]\d+)?)(?:\s?(?P<unit>{_UNITS})(?![a-zà-ỹ]))?"
)
_CURRENCY = r"Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD"
_AMOUNT = re.compile(rf"(?P<amount>\d[\d.,]*)\s?(?P<currency>{_CURRENCY})")
_FEE = re.compile(rf"(?P<free>Miễn phí)|(?P<none>Không có thông tin)|{_AMOUNT.pattern}")
# An amount in đồng below this is no fee the state charges: the portal lost the thousands or meant USD.
SMALLEST_DONG = 1000
# Where the portal says đồng but means dollars: fees paid at an embassy are set in USD.
_DOLLAR_HINT = re.compile(r"USD|đô\s?-?la|\$|nước ngoài|cơ quan đại diện", re.IGNORECASE)
_DATE = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_DATE_WORDS = r"(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4})"
_UNTIL = re.compile(
    rf"đến\s+(?:hết\s+)?(?:ngày\s+)?(?:{_DATE}|{_DATE_WORDS})|đến\s+hết\s+năm\s+(?P<year>\d{{4}})",
    re.IGNORECASE,
)
_HAS_AMOUNT = re.compile(rf"\d[\d.,]*\s?(?:{_CURRENCY})")
EXPIRED = "mức phí Cổng ghi chỉ áp dụng đến {date}, đã hết hạn; chưa rõ mức hiện hành"


@dataclass(slots=True)
class ChannelsParse:
    """The rows that could be read and, per record field, why something could not."""

    channels: list[Channel] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Row:
    method: SubmissionMethod
    body: str
    time: str | None = None
    bare_time: bool = False
    fee: str | None = None
    note: str | None = None
    dong: int | None = None  # the amount when the portal gave it in đồng
    fee_problem: str | None = None


def parse_channels(text: str, *, today: dt.date | None = None) -> ChannelsParse:
    """``"Hình thức nộp...Mô tảDịch vụ bưu chính1Miễn phíTrực tiếp1Miễn phí"`` →
    two channels (post, in person), time ``"1"`` flagged as lacking its unit.

    Fees are checked against ``today`` (the import date): a rate "áp dụng đến 31/12/2023" that has
    run out is dropped from the fee or, when it is the fee itself, said to be expired."""
    today = today or dt.date.today()
    out = ChannelsParse()
    body = clean(text).replace("\n", " ")
    body = body.removeprefix(HEADER)
    starts = list(_ROW.finditer(body))
    if not starts:
        out.problems["channels"] = NOT_GIVEN if not body.strip() else NOT_PARSED
        return out
    if body[: starts[0].start()].strip():
        out.problems["channels"] = NOT_PARSED
    rows = [
        _Row(METHODS[m.group(1)], body[m.end() : starts[i + 1].start() if i + 1 < len(starts) else len(body)])
        for i, m in enumerate(starts)
    ]
    for row in rows:
        _split_row(row, set())
    bare_times = {row.time for row in rows if row.time and row.bare_time}
    for row in rows:
        if row.time is None:
            _split_row(row, bare_times)
    _check_amounts(rows)
    for row in rows:
        if row.fee is not None:
            row.fee, expired = _drop_expired(row.fee, today)
            row.fee_problem = row.fee_problem or expired
        if row.time is None or row.fee is None:
            out.problems["processing_time"] = out.problems["fee"] = NOT_PARSED
            out.channels.append(
                Channel(
                    method=row.method,
                    processing_time=UNKNOWN,
                    fee=UNKNOWN,
                    note=f"bản ghi: {row.body.strip()}",
                )
            )
            continue
        if row.time == NO_INFO:
            out.problems.setdefault("processing_time", NOT_GIVEN)
        elif row.bare_time:
            out.problems.setdefault("processing_time", "bản ghi của Cổng không ghi đơn vị thời gian")
        if row.fee == NO_INFO:
            out.problems.setdefault("fee", NOT_GIVEN)
        if row.fee_problem and row.fee_problem not in out.problems.get("fee", ""):
            known = out.problems.get("fee")
            out.problems["fee"] = f"{known}; {row.fee_problem}" if known else row.fee_problem
        out.channels.append(Channel(method=row.method, processing_time=row.time, fee=row.fee, note=row.note))
    return out


def _split_row(row: _Row, bare_times: set[str]) -> None:
    """Fill time, fee and note of ``row`` when the split is certain.

    With ``bare_times`` (bare times read unambiguously in other rows of the record), a run of
    digits shared by a bare time and an amount is cut after the known time."""
    time = _TIME.match(row.body)
    if time is None:
        return
    rest = row.body[time.end() :]
    fee = _FEE.match(rest)
    bare = time.group("n") is not None and time.group("unit") is None
    time_text = NO_INFO if time.group("none") else _time_text(time.group("n"), time.group("unit"))
    if fee is None and bare:
        digits = time.group("n")
        known = sorted(
            (t for t in bare_times if digits.startswith(t) and len(t) < len(digits)), key=len, reverse=True
        )
        if not known:
            return
        time_text, rest = known[0], digits[len(known[0]) :] + rest
        fee = _FEE.match(rest)
    if fee is None:
        return
    detail, note = _detail_and_note(rest[fee.end() :])
    row.time, row.bare_time, row.fee, row.note = time_text, bare, _fee_text(fee, detail), note
    if fee.group("amount") and fee.group("currency") != "USD":
        digits = re.sub(r"[.,]", "", fee.group("amount").rstrip(".,"))
        row.dong = int(digits) if digits.isdigit() else None


def _check_amounts(rows: list[_Row]) -> None:
    """An amount in đồng under 1,000: the USD the portal meant when the row speaks of dollars or of
    paying abroad ("20 đồng (Nếu nộp hồ sơ tại Cơ quan đại diện...)" → 20 USD); the thousands
    another row of the record shows ("800" beside "800,000"); else not given as a fee at all."""
    others = {row.dong for row in rows if row.dong and row.dong >= SMALLEST_DONG}
    for row in rows:
        if row.fee is None or not row.dong or row.dong >= SMALLEST_DONG:
            continue
        shown = row.fee.split(" đồng", 1)
        rest = shown[1] if len(shown) > 1 else ""
        if _DOLLAR_HINT.search(row.body):
            row.fee = f"{row.dong} USD{rest}"
            row.fee_problem = f"Cổng ghi {row.dong} đồng, hiểu là {row.dong} USD (mức thu ở nước ngoài)"
        elif row.dong * 1000 in others:
            row.fee = f"{row.dong * 1000:,} đồng".replace(",", ".") + rest
            row.fee_problem = (
                f"Cổng ghi {row.dong} đồng ở một hình thức nộp, {row.dong * 1000:,} ở hình thức khác".replace(
                    ",", "."
                )
            )
        else:
            row.fee = f"{UNKNOWN} (Cổng ghi “{row.dong} đồng”)"
            row.fee_problem = f"Cổng ghi {row.dong} đồng, số tiền không hợp lý, chưa rõ đơn vị"


def _drop_expired(fee: str, today: dt.date) -> tuple[str, str | None]:
    """``"3.000 đồng (áp dụng mức phí 1.500 đồng ... đến hết ngày 31/12/2023)"`` → the expired
    reduced rate dropped, with a note; ``"500.000 đồng (áp dụng đến 31/12/2023)"`` → the fee
    itself marked expired and the reason for ``unconfirmed``."""
    head, _, detail = fee.partition(" (")
    if not detail:
        return fee, None
    detail = detail.removesuffix(")")
    kept: list[str] = []
    dropped: list[str] = []
    problem = None
    for part in detail.split("; "):
        until = _until(part)
        if until is None or until >= today:
            kept.append(part)
        elif _HAS_AMOUNT.search(part):
            dropped.append(f"đã bỏ mức phí chỉ áp dụng đến {until:%d/%m/%Y}")
        else:
            dropped.append(f"mức này chỉ áp dụng đến {until:%d/%m/%Y}, đã hết hạn")
            problem = EXPIRED.format(date=f"{until:%d/%m/%Y}")
    if not dropped:
        return fee, None
    parts = kept + dropped
    return f"{head} ({'; '.join(parts)})", problem


def _until(text: str) -> dt.date | None:
    match = _UNTIL.search(text)
    if match is None:
        return None
    try:
        if match.group("year"):
            return dt.date(int(match.group("year")), 12, 31)
        if match.group("d"):
            return dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        return dt.date(int(match.group("wy")), int(match.group("wm")), int(match.group("wd")))
    except ValueError:
        return None


def _time_text(number: str, unit: str | None) -> str:
    return f"{number} {unit.lower()}" if unit else number


def _fee_text(fee: re.Match[str], detail: str | None) -> str:
    """``"3,500,000 Việt Nam Đồng"`` + ``"/hồ sơ"`` → ``"3.500.000 đồng/hồ sơ"``."""
    if fee.group("free"):
        text = "Miễn phí"
    elif fee.group("none"):
        text = NO_INFO
    else:
        currency = fee.group("currency")
        amount = fee.group("amount").rstrip(".,")
        if currency == "USD":
            text = f"{amount} USD"
        else:
            text = f"{amount.replace(',', '.')} đồng"
    return f"{text}{detail}" if detail else text


def _detail_and_note(rest: str) -> tuple[str | None, str | None]:
    """Leading ``(...)`` groups (balanced, possibly doubled) detail the fee —
    ``"(/hồ sơ)(áp dụng mức phí 1.750.000 đồng/hồ sơ ...)"``; what follows describes the row."""
    rest = rest.strip()
    details: list[str] = []
    while rest.startswith("("):
        close = _closing(rest)
        detail, rest = (rest[1:close], rest[close + 1 :].strip()) if close else (rest[1:], "")
        detail = detail.strip()
        while detail and _wrapped(detail.rstrip(". ")):
            detail = detail.rstrip(". ")[1:-1].strip()
        if detail:
            details.append(detail)
    unit = details.pop(0) if details and details[0].startswith("/") else ""
    text = unit + (f" ({'; '.join(details)})" if details else "")
    return text or None, rest or None


def _closing(text: str) -> int | None:
    """Index of the parenthesis closing the one that opens ``text``."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    return None


def _wrapped(text: str) -> bool:
    """``"(áp dụng ...)"`` is wrapped in one pair of parentheses; ``"(1) ... (2)"`` is not."""
    return text.startswith("(") and _closing(text) == len(text) - 1
