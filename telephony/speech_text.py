"""Text as a Vietnamese voice should read it aloud: what the caller hears is produced here.

A TTS engine reads ``"1.080.000 đồng"`` as a string of digits, ``"000.00.15.H29-240312-0042"`` as a
decimal number and ``"BHXH"`` as four letters in English. ``to_speech`` rewrites a reply into words,
one rule at a time, each a small function with a table of examples in ``tests/telephony``:

- money: ``"1.080.000 đồng"`` → ``"một triệu không trăm tám mươi nghìn đồng"``;
- dates and times: ``"12/03/2024"`` → ``"ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"``,
  ``"7h30"`` → ``"bảy giờ ba mươi"``;
- dossier codes piece by piece, so a caller can write them down: ``"000.00.15.H29-240312-0042"`` →
  ``"không không không, chấm, không không, chấm, một năm, chấm, hát hai chín, gạch, ..."``;
- legal document numbers: ``"145/2020/NĐ-CP"`` → ``"số một trăm bốn mươi lăm năm hai nghìn không trăm
  hai mươi của Chính phủ"``;
- percentages (``"12,5%"`` → ``"mười hai phẩy năm phần trăm"``), phone numbers digit by digit in
  groups (``"0912 345 678"`` → ``"không chín một hai, ba bốn năm, sáu bảy tám"``);
- abbreviations: ``"Sở LĐ-TB&XH"`` → ``"Sở Lao động - Thương binh và Xã hội"``, ``"BHXH"`` →
  ``"bảo hiểm xã hội"``, ``"CCCD"`` → ``"căn cước công dân"``;
- what cannot be heard goes: links, emoji, Markdown marks, quotes; ``anh/chị`` → ``anh chị``,
  ``tỉnh/thành phố`` → ``tỉnh hoặc thành phố``, parentheses become pauses.

The rules run in that order so that a later one never sees the digits an earlier one has read (a
date is never read as three numbers, a code never as a phone number).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from telephony.vietnamese_numbers import read_decimal, read_digits, read_number

__all__ = ["LETTER_NAMES", "read_code", "read_phone", "to_speech"]

# How a Vietnamese speaker names the Latin letters when spelling a code aloud.
LETTER_NAMES = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích",
    "Y": "i dài",
    "Z": "dét",
}

# Whole-word abbreviations of the labour and social-affairs sector, longest first when applied.
ABBREVIATIONS = {
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "TB&XH": "Thương binh và Xã hội",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "TCTN": "trợ cấp thất nghiệp",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "GPLĐ": "giấy phép lao động",
    "HĐLĐ": "hợp đồng lao động",
    "TTHC": "thủ tục hành chính",
    "DVC": "dịch vụ công",
    "NLĐ": "người lao động",
    "VNĐ": "đồng",
    "VND": "đồng",
    "TP.": "thành phố",
    "TP": "thành phố",
    "v.v.": "vân vân",
}
# Issuers at the end of a legal document number ("145/2020/NĐ-CP").
_ISSUERS = {
    "CP": "của Chính phủ",
    "TTG": "của Thủ tướng Chính phủ",
    "BLĐTBXH": "của Bộ Lao động - Thương binh và Xã hội",
    "BNV": "của Bộ Nội vụ",
    "BTC": "của Bộ Tài chính",
    "BYT": "của Bộ Y tế",
    "UBTVQH": "của Ủy ban Thường vụ Quốc hội",
    "QH": "của Quốc hội",
}
_SEPARATOR_WORDS = {".": "chấm", "-": "gạch", "/": "xuyệt"}

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`#>•▪●■◆\"“”]+|\[|\]")
_LIST_NUMBER = re.compile(r"^(\d{1,2})[.)]\s+")
# "01 bản chính", "03 tháng": a count written with a leading zero, read as the number.
_PADDED_COUNT = re.compile(r"(?<![\w.,])0(\d)(?=\s+[^\W\d_])")
_PARENTHESES = re.compile(r"\s*[()]\s*")
_ANH_CHI = re.compile(r"\b(anh|Anh)/chị\b")
_WORD_SLASH = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2190-\u21ff\u2b00-\u2bff\ufe0f\u200d]+"
)
_LEGAL_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,4})(?:/(\d{4}))?/([A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/])"
)
_DATE = re.compile(r"(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\w/-]|\.\d)")
_MONTH_YEAR = re.compile(r"\b(tháng)\s+(\d{1,2})/(\d{4})(?![\w/])", re.IGNORECASE)
_TIME = re.compile(r"(?<![\w:.,])(\d{1,2})(?:h|g|:)(\d{2})?(?![\w:])")
_PHONE = re.compile(
    r"(?<![\w.,+-])(?:\+84[ .-]?\d{2,3}|0\d{2,3}|1[89]00)(?:[ .-]?\d{3,4}){1,2}(?![\w-]|[.,]\d)"
)
_CODE = re.compile(r"(?<![\w.-])(?=[0-9A-Z.-]*\d)(?=[0-9A-Z.-]*[A-Z-])[0-9A-Z]+(?:[.-][0-9A-Z]+)+(?![\w-])")
_MONEY = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(?:đồng|đ|vnđ|vnd)(?!\w)", re.IGNORECASE
)
_PERCENT = re.compile(r"(?<![\w.,])(\d+)(?:[.,](\d+))?\s*%")
_DECIMAL = re.compile(r"(?<![\w.,])(\d+),(\d+)(?![\w.,]\d|\w)")
_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.]\d|\w)")
_INTEGER = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")
_REPEATED_PUNCTUATION = re.compile(r"([,.;:])(?:\s*[,;:])+")
_COMMA_BEFORE_STOP = re.compile(r",\s*(?=[.;:!?])")
_COMMA_AFTER_STOP = re.compile(r"([.;:!?])\s*,")


def _words(text: str) -> str:
    return text.strip()


def read_phone(number: str) -> str:
    """Digit by digit, in the groups it was written in or the usual 4-3-3: ``"0912345678"`` →
    ``"không chín một hai, ba bốn năm, sáu bảy tám"``; ``"18001096"`` → ``"một tám không không, một
    không chín sáu"``; ``"+84 912..."`` starts with ``"cộng tám bốn"``."""
    prefix = ""
    rest = number.strip()
    if rest.startswith("+"):
        prefix, rest = "cộng ", rest[1:]
    groups = [g for g in re.split(r"[ .-]", rest) if g]
    if len(groups) == 1:
        digits = groups[0]
        if len(digits) == 8:
            groups = [digits[:4], digits[4:]]
        elif len(digits) >= 10:
            groups = [digits[:4], digits[4:7], digits[7:]]
    return prefix + ", ".join(read_digits(g) for g in groups)


def read_code(code: str) -> str:
    """A code piece by piece, letters by name and digits one by one, separators said aloud:
    ``"H29-0042"`` → ``"hát hai chín, gạch, không không bốn hai"``."""
    spoken: list[str] = []
    for piece in re.split(r"([.\-/])", code):
        if not piece:
            continue
        if piece in _SEPARATOR_WORDS:
            spoken.append(_SEPARATOR_WORDS[piece])
            continue
        runs = re.findall(r"\d+|[^\d]+", piece)
        spoken.append(" ".join(read_digits(r) if r[0].isdigit() else _spell(r) for r in runs))
    return ", ".join(spoken)


def _spell(letters: str) -> str:
    return " ".join(LETTER_NAMES.get(ch.upper(), ch) for ch in letters)


def _issuer(kind: str) -> str:
    issuer = kind.split("-")[-1] if "-" in kind else kind
    for prefix, words in _ISSUERS.items():
        if issuer.upper().startswith(prefix.upper()):
            return words
    return _spell(issuer) if issuer.isupper() else issuer


def _legal_number(match: re.Match[str]) -> str:
    number, year, kind = match.groups()
    issued = f" năm {read_number(int(year))}" if year else ""
    return f"số {read_number(int(number))}{issued} {_issuer(kind)}"


def _day_month(day: int, month: int) -> str:
    day_words = f"mùng {read_number(day)}" if day <= 10 else read_number(day)
    month_words = "tư" if month == 4 else read_number(month)
    return f"{day_words} tháng {month_words}"


def _date(match: re.Match[str]) -> str:
    day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    before = match.string[: match.start()].rstrip().lower()
    lead = "" if before.endswith("ngày") else "ngày "
    return f"{lead}{_day_month(day, month)} năm {read_number(year)}"


def _month_year(match: re.Match[str]) -> str:
    word, month, year = match.group(1), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12:
        return match.group(0)
    return f"{word} {'tư' if month == 4 else read_number(month)} năm {read_number(year)}"


def _time(match: re.Match[str]) -> str:
    hour, minutes = int(match.group(1)), match.group(2)
    if hour > 24 or (minutes is not None and int(minutes) > 59):
        return match.group(0)
    spoken = f"{read_number(hour)} giờ"
    if minutes and int(minutes):
        spoken += f" {read_number(int(minutes))}"
    return spoken


def _money(match: re.Match[str]) -> str:
    whole = int(match.group(1).replace(".", ""))
    fraction = match.group(2)
    amount = read_decimal(str(whole), fraction) if fraction else read_number(whole)
    return f"{amount} đồng"


def _percent(match: re.Match[str]) -> str:
    whole, fraction = match.group(1), match.group(2)
    if fraction and len(fraction) == 3 and match.group(0)[len(whole)] == ".":
        return f"{read_number(int(whole + fraction))} phần trăm"  # "1.000%": a thousands dot
    amount = read_decimal(whole, fraction) if fraction else read_number(int(whole))
    return f"{amount} phần trăm"


def _integer(match: re.Match[str]) -> str:
    digits = match.group(0)
    if (digits.startswith("0") and len(digits) > 1) or len(digits) > 15:
        return read_digits(digits)
    return read_number(int(digits))


def _abbreviations(text: str) -> str:
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        flags = re.IGNORECASE if len(short) >= 3 and short.isalpha() else 0
        pattern = (
            rf"(?<![\w&]){re.escape(short)}(?![\w&])"
            if short[-1].isalnum()
            else rf"(?<![\w&]){re.escape(short)}"
        )
        text = re.sub(pattern, ABBREVIATIONS[short], text, flags=flags)
    return text.replace("&", " và ")


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_LEGAL_NUMBER, _legal_number),
    (_DATE, _date),
    (_MONTH_YEAR, _month_year),
    (_PHONE, lambda m: read_phone(m.group(0))),
    (_CODE, lambda m: read_code(m.group(0))),
    (_MONEY, _money),
    (_PERCENT, _percent),
    (_TIME, _time),
    (_DECIMAL, lambda m: read_decimal(m.group(1), m.group(2))),
    (_PADDED_COUNT, lambda m: read_number(int(m.group(1)))),
    (_GROUPED, lambda m: read_number(int(m.group(0).replace(".", "")))),
)


def _clean(text: str) -> str:
    text = _URL.sub("", text)
    text = _EMOJI.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    # Line breaks and list items become pauses: "1. Đơn đề nghị" is read "một, Đơn đề nghị".
    lines = [_LIST_NUMBER.sub(r"\1, ", line.strip(" -–—\t")) for line in text.splitlines()]
    joined = ""
    for line in filter(None, lines):
        joined += (" " if not joined or joined[-1] in ".:;!?," else ". ") + line
    joined = joined.strip()
    joined = _ANH_CHI.sub(r"\1 chị", joined)
    joined = _WORD_SLASH.sub(" hoặc ", joined)
    joined = _PARENTHESES.sub(", ", joined)  # an aside is a pause either side
    return joined.replace(" – ", ", ").replace(" — ", ", ")


def to_speech(text: str) -> str:
    """``"Lệ phí 1.080.000 đồng, nộp tại Sở LĐ-TB&XH trước 12/03/2024."`` → ``"Lệ phí một triệu không
    trăm tám mươi nghìn đồng, nộp tại Sở Lao động - Thương binh và Xã hội trước ngày mười hai tháng ba
    năm hai nghìn không trăm hai mươi tư."``"""
    spoken = _clean(unicodedata.normalize("NFC", text))
    for pattern, rule in _RULES:
        spoken = pattern.sub(rule, spoken)
    spoken = _abbreviations(spoken)
    spoken = _INTEGER.sub(_integer, spoken)
    spoken = _SPACES.sub(" ", spoken)
    spoken = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", spoken)
    spoken = _REPEATED_PUNCTUATION.sub(r"\1", spoken)
    spoken = _COMMA_AFTER_STOP.sub(r"\1", _COMMA_BEFORE_STOP.sub("", spoken))
    return unicodedata.normalize("NFC", spoken.strip(" ,;:"))
