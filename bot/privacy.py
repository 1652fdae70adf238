"""Masking of phone and ID numbers, the one place every stored text and every log line passes through.

``"số cccd 001203004567, sđt 0912 345 678"`` → ``"số cccd ********4567, sđt ******5678"``: the last
four digits stay, as they are what an applicant is asked to confirm. Numbers glued to letters or
underscores (``sđt0912000003``, ``CCCD_001203000006``) and phone numbers in hyphenated groups
(``0912-000-004``) are masked too; a dossier code (``000.00.15.H29-240312-0042``) and dates are not.

Stored text: ``redact_event`` (the tracker store) and the feedback store call ``mask_numbers``.
Logs: ``install_log_masking`` puts ``MaskingFilter`` on the root handlers, so every record —
uvicorn's access log (paths such as ``/webhooks/rest/pending/<phone>`` and ``?q=<CCCD>``) and
tracebacks included — is masked before it is written.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["Masked", "MaskingFilter", "install_log_masking", "mask_deep", "mask_numbers", "redact_event"]

# Runs of 9+ digits with single spaces/dots inside and an optional +: phones, CCCD, CMND. A letter or
# "_" may touch them ("sđt0912000003"); a digit may not, so a run is masked whole or not at all.
_LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[ .]?\d){8,}(?!\d)")
# Phones written in hyphenated groups ("0912-000-004", "+84-912-000-004"); not preceded by a word
# character or a hyphen, so the "-240312-0042" of a dossier code is never read as one.
_HYPHENATED_PHONE = re.compile(r"(?<![\w-])(?:\+?84-?|0)\d{1,3}(?:-\d{2,4}){2,3}(?![\w-])")
_MIN_DIGITS = 9


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < _MIN_DIGITS:
        return match.group(0)
    return "*" * (len(digits) - 4) + digits[-4:]


# Both patterns need at least six digits: most texts have none, and one search tells (a turn stores
# and logs dozens of strings).
_ENOUGH_DIGITS = re.compile(r"\d(?:\D*\d){5}")


def mask_numbers(text: str) -> str:
    if len(text) < 6 or _ENOUGH_DIGITS.search(text) is None:  # fewer than six digits: nothing to mask
        return text
    return _LONG_NUMBER.sub(_mask, _HYPHENATED_PHONE.sub(_mask, text))


_UNCHANGED = frozenset({int, float, bool, type(None)})

Masked = dict[int, Any]
"""Containers already masked during one call, by ``id``: a turn's user event and the snapshot's
latest message share the parse's lists and dicts (kilobytes), which are masked once."""


def mask_deep(value: Any, masked: Masked | None = None) -> Any:
    """Every string inside ``value`` (dict keys too) masked: for metadata a client sends.

    ``masked``: shared by the calls made for one write (``redact_event`` too), while the values
    they mask stay alive and unchanged; a container met again is not masked again, and the output
    holds the same masked copy in both places (only serialised, never changed)."""
    return _masked(value, {} if masked is None else masked)


def _masked(value: Any, masked: Masked) -> Any:
    kind = type(value)
    if kind is str:
        return mask_numbers(value)
    if kind in _UNCHANGED:
        return value
    if kind is dict or kind is list or isinstance(value, (dict, list)):
        done = masked.get(id(value))
        if done is not None:
            return done
        if isinstance(value, dict):
            out: Any = {
                (mask_numbers(k) if isinstance(k, str) else k): (
                    v if type(v) in _UNCHANGED else _masked(v, masked)
                )
                for k, v in value.items()
            }
        else:
            out = [item if type(item) in _UNCHANGED else _masked(item, masked) for item in value]
        masked[id(value)] = out
        return out
    if isinstance(value, str):
        return mask_numbers(value)
    return value


def redact_event(event: dict[str, Any], masked: Masked | None = None) -> dict[str, Any]:
    """A copy of ``event`` safe to store: every string in it masked — texts, entity and slot values,
    metadata, and what the NLU derived from the text (topic words, the procedure mention)."""
    clean: dict[str, Any] = mask_deep(event, masked)
    return clean


class MaskingFilter(logging.Filter):
    """Masks a record's whole message and traceback before any handler writes it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers(record.stack_info)
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Add ``MaskingFilter`` to every handler of ``logger`` (the root logger by default), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
