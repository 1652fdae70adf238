"""Real procedures that the catalogue does not hold: the negatives of open-set recognition.

"đăng ký kết hôn cần giấy tờ gì" must be declined honestly, not answered with the nearest procedure
the catalogue holds. The resolver indexes these names beside the catalogue's: when a message is
about one of them more than about any catalogue procedure, it is a real procedure we do not hold.

The files (``other_procedures:`` in ``config.yml``) hold ``procedures: [{name, agency?, aliases?,
national_code?, field?, note?}]`` (``note``: where to turn instead, said in the decline): names of other ministries' procedures and of this sector's procedures
not curated yet.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.components.base import CatalogueEntry
from nlu.normalize import fold

__all__ = ["OTHER_PREFIX", "is_other", "load_other_procedures", "not_in"]

OTHER_PREFIX = "other:"


def is_other(code: str) -> bool:
    return code.startswith(OTHER_PREFIX)


def load_other_procedures(paths: list[Path]) -> list[CatalogueEntry]:
    """One entry per listed procedure, coded ``other:<file>:<n>``; missing files are skipped."""
    entries: list[CatalogueEntry] = []
    for path in paths:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for number, item in enumerate(data.get("procedures") or []):
            if not isinstance(item, dict) or not str(item.get("name") or "").strip():
                raise ValueError(f"{path}: entry {number + 1} has no name")
            aliases = item.get("aliases") or []
            entries.append(
                CatalogueEntry(
                    code=f"{OTHER_PREFIX}{path.stem}:{number}",
                    name=str(item["name"]).strip(),
                    field=str(item.get("agency") or item.get("field") or ""),
                    aliases=tuple(str(a) for a in aliases),
                    note=str(item["note"]).strip() if item.get("note") else None,
                    national_code=str(item["national_code"]) if item.get("national_code") else None,
                )
            )
    return entries


def not_in(others: list[CatalogueEntry], catalogue: list[CatalogueEntry]) -> list[CatalogueEntry]:
    """The other procedures the catalogue still does not hold: once a ministry's records are imported
    (``dvcbot catalogue import``), their names stop being negatives — also the names an imported
    record took as aliases ("Xin thôi quốc tịch Việt Nam" for "Thôi quốc tịch Việt Nam ở trong nước")."""
    held_names = {fold(name).strip() for entry in catalogue for name in (entry.name, *entry.aliases)}
    held_codes = {entry.national_code for entry in catalogue if entry.national_code}
    return [
        entry for entry in others
        if fold(entry.name).strip() not in held_names and entry.national_code not in held_codes
    ]
