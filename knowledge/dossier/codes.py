"""The shape of a dossier code (mã hồ sơ): reading it however it was typed, and saying what is wrong.

The format is configuration: a regular expression for the canonical code and an example of it
(``000.00.15.H29-240312-0042``). Everything else is derived from the example, so another province's
format needs no code change:

- ``normalize`` accepts lower case, spaces around or instead of separators, and missing dots or
  dashes when the letters and digits still line up with the example:
  ``"0000015h29 240312 0042"`` → ``"000.00.15.H29-240312-0042"``.
- ``find`` picks a code out of a sentence (``"hồ sơ 000.00.15.h29-240312-0042 sao rồi"``).
- ``diagnose`` explains a malformed code part by part, in Vietnamese:
  ``"000.00.15.H29-24031-0042"`` → ``phần thứ 2 ("24031") có 5 ký tự, cần 6 chữ số``.

A named group ``date`` in the pattern (``(?P<date>\\d{6})``) is also checked as a real yymmdd date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["DEFAULT_CODE_EXAMPLE", "DEFAULT_CODE_PATTERN", "CodeCandidate", "DossierCodeFormat"]

DEFAULT_CODE_PATTERN = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-(?P<date>\d{6})-\d{4}"
DEFAULT_CODE_EXAMPLE = "000.00.15.H29-240312-0042"

_PART_SEPARATOR = "-"
_TRIM = " \t\r\n.,;:!?\"'()[]{}<>“”‘’"
_MAX_WINDOW_TOKENS = 6


@dataclass(frozen=True, slots=True)
class CodeCandidate:
    """A piece of text that was meant as a code: its ``canonical`` form, or the ``problems`` found."""

    raw: str
    canonical: str | None
    problems: tuple[str, ...] = ()


def _class_of(ch: str) -> str:
    return "digit" if ch.isdigit() else "letter"


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _part_problem(number: int, part: str, model: str) -> str | None:
    """What is wrong with one dash-separated part compared with the same part of the example."""
    got, want = _alnum(part), _alnum(model)
    if len(got) != len(want):
        return f"phần thứ {number} (\"{part}\") có {_describe_shape(got)}, cần {_describe_shape(want)} như \"{model}\""
    for ch, expected in zip(got, want, strict=True):
        if _class_of(ch) != _class_of(expected):
            kind = "chữ số" if expected.isdigit() else "chữ cái"
            return f"phần thứ {number} (\"{part}\") cần {kind} thay cho \"{ch}\", như \"{model}\""
    return None


def _describe_shape(alnum: str) -> str:
    digits = sum(ch.isdigit() for ch in alnum)
    letters = len(alnum) - digits
    if letters == 0:
        return f"{digits} chữ số"
    if digits == 0:
        return f"{letters} chữ cái"
    return f"{len(alnum)} ký tự ({letters} chữ cái, {digits} chữ số)"


class DossierCodeFormat:
    """A configured code format; see the module docstring for what it accepts."""

    def __init__(self, pattern: str = DEFAULT_CODE_PATTERN, example: str = DEFAULT_CODE_EXAMPLE) -> None:
        self._pattern = re.compile(pattern)
        self.example = example
        if not self._pattern.fullmatch(example):
            raise ValueError(f"the example dossier code {example!r} does not match its pattern {pattern!r}")
        self._example_alnum = _alnum(example)
        self._example_parts = example.split(_PART_SEPARATOR)

    # Reading ---------------------------------------------------------------------------------
    def normalize(self, raw: str) -> str | None:
        """The canonical code for ``raw``, or ``None`` when it cannot be one."""
        text = self._tidy(raw)
        if self._valid(text):
            return text
        fitted = self._fit_to_example(text)
        return fitted if fitted and self._valid(fitted) else None

    def find(self, text: str) -> CodeCandidate | None:
        """The code in a message: a valid one if any, else the most code-like piece (to diagnose)."""
        tokens = text.split()
        best_suspect: tuple[int, str] | None = None
        for size in range(min(_MAX_WINDOW_TOKENS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                window = " ".join(tokens[start : start + size]).strip(_TRIM)
                canonical = self.normalize(window) if window else None
                if canonical:
                    return CodeCandidate(window, canonical)
        for token in tokens:
            piece = token.strip(_TRIM)
            digits = sum(ch.isdigit() for ch in piece)
            if digits and (best_suspect is None or digits > best_suspect[0]):
                best_suspect = (digits, piece)
        if best_suspect is None:
            return None
        suspect = self._widen(tokens, best_suspect[1])
        return CodeCandidate(suspect, None, tuple(self.diagnose(suspect)))

    def looks_like_code(self, candidate: CodeCandidate) -> bool:
        """Whether a candidate is long enough to have been meant as a code without being asked for one."""
        return candidate.canonical is not None or len(_alnum(candidate.raw)) >= len(self._example_alnum) // 2

    # Explaining ------------------------------------------------------------------------------
    def diagnose(self, raw: str) -> list[str]:
        """What keeps ``raw`` from being a code, as short Vietnamese phrases (empty when it is valid)."""
        text = self._tidy(raw)
        if self.normalize(text):
            return []
        strange = sorted({ch for ch in text if not (ch.isascii() and (ch.isalnum() or ch in ".-/ "))})
        if strange:
            return [f"có ký tự không dùng trong mã hồ sơ ({' '.join(strange)})"]
        fitted = self._fit_to_example(text)
        if fitted:
            return [self._date_problem(fitted) or "các phần của mã chưa đúng thứ tự"]
        parts = [p for p in re.split(r"\s*-\s*|\s+", text) if p]
        expected = self._example_parts
        if len(parts) == len(expected):
            problems = [
                problem
                for number, (part, model) in enumerate(zip(parts, expected, strict=True), start=1)
                if (problem := _part_problem(number, part, model))
            ]
            if problems:
                return problems
        total, want = len(_alnum(text)), len(self._example_alnum)
        if total != want:
            return [f"mã có {total} ký tự chữ và số, mã hồ sơ đầy đủ có {want} ký tự"]
        return [f"mã có {len(parts)} phần ngăn cách bởi dấu gạch ngang, mã hồ sơ đúng có {len(expected)} phần"]

    # Helpers ---------------------------------------------------------------------------------
    def _valid(self, text: str) -> bool:
        match = self._pattern.fullmatch(text)
        return bool(match) and self._date_problem(text) is None

    def _date_problem(self, text: str) -> str | None:
        match = self._pattern.fullmatch(text)
        if not match or "date" not in match.groupdict() or match.group("date") is None:
            return None
        value = match.group("date")
        try:
            dt.datetime.strptime(value, "%y%m%d")
        except ValueError:
            return f"ngày tiếp nhận trong mã (\"{value}\", dạng năm-tháng-ngày yymmdd) không phải ngày có thật"
        return None

    @staticmethod
    def _tidy(raw: str) -> str:
        text = unicodedata.normalize("NFKC", raw).strip(_TRIM).upper()
        text = re.sub(r"\s*([-.])\s*", r"\1", text)
        return re.sub(r"\s+", " ", text)

    def _fit_to_example(self, text: str) -> str | None:
        """Put the separators of the example back into ``text`` when its letters and digits line up."""
        alnum = _alnum(text)
        if len(alnum) != len(self._example_alnum):
            return None
        if any(_class_of(a) != _class_of(b) for a, b in zip(alnum, self._example_alnum, strict=True)):
            return None
        leftovers = set(text) - set(alnum) - set(".-/ ")
        if leftovers:
            return None
        chars = iter(alnum)
        return "".join(next(chars) if ch.isascii() and ch.isalnum() else ch for ch in self.example)

    def _widen(self, tokens: list[str], seed: str) -> str:
        """The seed token with its code-like neighbours (``"000.00.15.H29 24031 0042"`` stays whole)."""
        index = next(i for i, t in enumerate(tokens) if t.strip(_TRIM) == seed)
        start = end = index
        codeish = re.compile(r"^[0-9A-Za-z.\-/]+$")

        def fits(token: str) -> bool:
            piece = token.strip(_TRIM)
            return bool(piece) and bool(codeish.match(piece)) and any(ch.isdigit() for ch in piece)

        while start > 0 and fits(tokens[start - 1]):
            start -= 1
        while end + 1 < len(tokens) and fits(tokens[end + 1]):
            end += 1
        return " ".join(t.strip(_TRIM) for t in tokens[start : end + 1])
