"""Numbers as a Vietnamese voice reads them: ``1080000`` → ``"một triệu không trăm tám mươi nghìn"``.

The northern reading, as the national broadcasters use it: ``linh`` for a zero ten (``105`` →
``"một trăm linh năm"``), ``mốt``/``tư``/``lăm`` after a ten (``21`` → ``"hai mươi mốt"``, ``24`` →
``"hai mươi tư"``, ``15`` → ``"mười lăm"``), ``không trăm`` inside a number (``2024`` → ``"hai nghìn
không trăm hai mươi tư"``) and groups of zeros skipped (``1000000`` → ``"một triệu"``).
"""

from __future__ import annotations

__all__ = ["DIGIT_WORDS", "read_decimal", "read_digits", "read_number"]

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Scales of the three groups below a billion, from the left; above it "tỷ" repeats.
_SCALES = ("triệu", "nghìn", "")
_BILLION = 1_000_000_000


def read_digits(digits: str) -> str:
    """Digit by digit: ``"0042"`` → ``"không không bốn hai"`` (codes, phone numbers)."""
    return " ".join(DIGIT_WORDS[int(ch)] for ch in digits if ch.isdigit())


def _units(unit: int, tens: int) -> str:
    if unit == 1 and tens >= 2:
        return "mốt"
    if unit == 4 and tens >= 2:
        return "tư"
    if unit == 5 and tens >= 1:
        return "lăm"
    return DIGIT_WORDS[unit]


def _group(value: int, leading: bool) -> list[str]:
    """One group of three digits; a group that is not the first reads its hundreds even when zero."""
    hundreds, tens, unit = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if unit and words:
            words += ["linh", DIGIT_WORDS[unit]]
        elif unit:
            words.append(DIGIT_WORDS[unit])
        return words
    words.append("mười" if tens == 1 else f"{DIGIT_WORDS[tens]} mươi")
    if unit:
        words.append(_units(unit, tens))
    return words


def _below_billion(value: int, leading: bool) -> list[str]:
    groups = [value // 1_000_000, value // 1000 % 1000, value % 1000]
    words: list[str] = []
    for group, scale in zip(groups, _SCALES, strict=True):
        if group == 0:
            continue
        words += _group(group, leading=leading and not words)
        if scale:
            words.append(scale)
    return words


def read_number(value: int) -> str:
    """An integer in words: ``0`` → ``"không"``, ``-5`` → ``"âm năm"``, ``2024`` → ``"hai nghìn không
    trăm hai mươi tư"``, ``1500000000000`` → ``"một nghìn năm trăm tỷ"`` (tỷ repeats above a billion)."""
    if value < 0:
        return f"âm {read_number(-value)}"
    if value == 0:
        return DIGIT_WORDS[0]
    if value >= _BILLION:
        billions, rest = divmod(value, _BILLION)
        return " ".join([read_number(billions), "tỷ", *_below_billion(rest, leading=False)])
    return " ".join(_below_billion(value, leading=True))


def read_decimal(integer_part: str, fraction_part: str) -> str:
    """``"2"``, ``"5"`` → ``"hai phẩy năm"``; a fraction with a leading zero is read digit by digit
    (``"1"``, ``"05"`` → ``"một phẩy không năm"``), as a listener can then write it down."""
    whole = read_number(int(integer_part))
    if fraction_part.startswith("0") or len(fraction_part) > 3:
        return f"{whole} phẩy {read_digits(fraction_part)}"
    return f"{whole} phẩy {read_number(int(fraction_part))}"
