"""Reads ``knowledge/data/*.yml`` into validated ``ProcedureRecord``s.

A mistake is reported with its file and field: ``viec_lam.yml: procedures[3].channels[0].method:
Input should be 'in_person', 'online' or 'post'``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.schemas import CatalogueFile, ProcedureRecord

__all__ = ["CatalogueDataError", "load_catalogue_dir", "load_catalogue_file"]

# libyaml when installed: an exported catalogue with the portal's procedures is a few MB.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueDataError(ValueError):
    pass


def load_catalogue_file(path: Path) -> list[ProcedureRecord]:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {"procedures": []}
    except yaml.YAMLError as error:
        raise CatalogueDataError(f"{path.name}: not valid YAML: {error}") from error
    try:
        return list(CatalogueFile.model_validate(document).procedures)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}" for issue in error.errors()
        )
        raise CatalogueDataError(f"{path.name}: {problems}") from error


def load_catalogue_dir(directory: Path) -> list[ProcedureRecord]:
    """All entries of the directory; a code defined twice is an error naming both files."""
    records: list[ProcedureRecord] = []
    origin: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        for record in load_catalogue_file(path):
            if record.code in origin:
                raise CatalogueDataError(f"{path.name}: code {record.code!r} already defined in {origin[record.code]}")
            origin[record.code] = path.name
            records.append(record)
    return records
