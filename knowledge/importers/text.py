"""Small text helpers shared by the importers: whitespace, "no information" markers, slugs, outlines.

The national portal's cells arrive with non-breaking spaces, tabs and doubled spaces
(``"Ủy ban Nhân dân\\xa0xã,\\xa0phường"``); every importer cleans them the same way so that a
re-import of the same page produces byte-identical records.
"""

from __future__ import annotations

import re
import unicodedata

from nlu.normalize import fold

__all__ = ["NOT_GIVEN", "NOT_PARSED", "clean", "fast_fold", "is_no_info", "outline", "slug"]

NOT_PARSED = "không tách được từ bản ghi"
NOT_GIVEN = "bản ghi của Cổng không có thông tin này"

# Any blank but the space and the line break (tab, no-break space, the Unicode spaces: what
# ``str.isspace`` holds) and the control characters ``nfc`` drops; then runs of spaces. Two plain
# character classes: the alternation ``[^\S\n]{2,}|[^\S\n ]`` did the same at half the speed.
_ODD_BLANK = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufffd]"
)
_SPACES = re.compile(" {2,}")
_NO_INFO = frozenset({"", "không có thông tin", "không", "không có", "không quy định", "chưa có thông tin"})
_LONGEST_NO_INFO = max(len(marker) for marker in _NO_INFO)
_BULLET = re.compile(
    r"^(?:(?P<dash>[-–])|(?P<plus>\+)|(?P<star>[*•])|(?P<alpha>[a-zđ]\))|(?P<num>\(?\d+[.)])"
    r"|(?P<roman>\(?[ivx]+\)))\s*"
)
_STEP = re.compile(r"^(?:[-–+*•]\s*)?Bước\s*\d+\s*[:.\-–)]?\s*", re.IGNORECASE)


def clean(text: str) -> str:
    """NFC, one space between words, trimmed lines: ``"kiểm tra  kết quả\\xa0"`` → ``"kiểm tra kết quả"``."""
    spaced = _ODD_BLANK.sub(" ", unicodedata.normalize("NFC", text))  # one pass over the text, not per line
    if "  " in spaced:
        spaced = _SPACES.sub(" ", spaced)
    lines = (line.strip() for line in spaced.splitlines())
    return "\n".join(line for line in lines if line)


def _fold_table() -> dict[int, str]:
    """``fold`` of every Latin letter Vietnamese uses, as a table for ``str.translate``."""
    table: dict[int, str] = {}
    for code in range(0x41, 0x1F00):
        char = chr(code)
        folded = fold(char)
        if folded != char:
            table[code] = folded
    return table


_FOLD = _fold_table()
_LAST_TABLED = "\u1eff"


def fast_fold(text: str) -> str:
    """``fold`` through a table: the same result for Vietnamese text, many times faster."""
    if max(text, default="a") > _LAST_TABLED:
        return fold(text)
    return text.translate(_FOLD)


def is_no_info(text: str | None) -> bool:
    """The portal's ways of saying nothing: ``""``, ``"Không có thông tin"``, ``"Không."``."""
    if text is None:
        return True
    if len(text) > _LONGEST_NO_INFO * 2:  # a section with content: no need to clean it to know
        return False
    return clean(text).rstrip(".").strip().lower() in _NO_INFO


def slug(text: str, limit: int = 64) -> str:
    """A field code from its Vietnamese name: ``"Thành lập và hoạt động ngân hàng"`` →
    ``"thanh_lap_va_hoat_dong_ngan_hang"`` (diacritics folded, so it matches a folded query)."""
    return re.sub(r"[^a-z0-9]+", "_", fold(clean(text)))[:limit].strip("_") or "khac"


def _bullet_kind(line: str) -> str:
    match = _BULLET.match(line)
    if not match:
        return "none"
    return next(kind for kind, value in match.groupdict().items() if value)


def outline(text: str) -> list[str]:
    """Top-level items of a portal paragraph list, sub-items kept inside their item.

    Lines numbered "Bước 1", "Bước 2"... start the items when there are at least two; otherwise
    the bullet of the first line marks the items ("- Nộp hồ sơ..." / "- Trong thời hạn...") and
    lines with another bullet ("+ Trường hợp...") continue the item above. The "Bước n:" prefix and
    the top bullet are dropped because the bot numbers the steps itself.
    """
    lines = clean(text).splitlines()
    if not lines:
        return []
    stepped = sum(1 for line in lines if _STEP.match(line)) >= 2
    top = _bullet_kind(lines[0])
    items: list[list[str]] = []
    for line in lines:
        starts = bool(_STEP.match(line)) if stepped else _bullet_kind(line) == top
        if starts or not items:
            stripped = _STEP.sub("", line) if stepped else (_BULLET.sub("", line) if top != "none" else line)
            items.append([stripped.strip() or line])
        else:
            items[-1].append(line)
    return ["\n".join(item).strip() for item in items if "".join(item).strip()]
