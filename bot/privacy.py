"""Masking of phone and ID numbers before anything is logged or stored.

``"số cccd 001203004567, sđt 0912 345 678"`` → ``"số cccd ********4567, sđt ******5678"``: the last
four digits stay, as they are what an applicant is asked to confirm.
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["mask_numbers", "redact_event"]

# Runs of 9+ digits, allowing single spaces/dots inside and a +84 prefix: phones, CCCD, CMND.
_LONG_NUMBER = re.compile(r"(?<![\w])\+?(?:\d[\s.]?){8,}\d(?![\w])")
_SENSITIVE_SLOTS = {"id_number", "phone_number"}


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_numbers(text: str) -> str:
    return _LONG_NUMBER.sub(_mask, text)


def _mask_any(value: Any) -> Any:
    return mask_numbers(value) if isinstance(value, str) else value


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``event`` safe to store: texts and sensitive entity/slot values masked."""
    clean = copy.deepcopy(event)
    if "text" in clean:
        clean["text"] = _mask_any(clean["text"])
    parse = clean.get("parse_data")
    if isinstance(parse, dict):
        parse["text"] = _mask_any(parse.get("text"))
        for entity in parse.get("entities") or []:
            if entity.get("entity") in _SENSITIVE_SLOTS or isinstance(entity.get("value"), str):
                entity["value"] = _mask_any(entity.get("value"))
    if clean.get("event") == "slot" and clean.get("name") in _SENSITIVE_SLOTS:
        clean["value"] = _mask_any(clean.get("value"))
    return clean
