"""The procedure catalogue as actions and the API see it: a small port and its SQL implementation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from knowledge.migrations import upgrade_schema
from knowledge.models import ProcedureRow
from knowledge.schemas import ProcedureRecord
from nlu.components.base import CatalogueEntry

__all__ = ["ProcedureCatalogue", "SqlCatalogue", "as_catalogue_entry"]


class ProcedureCatalogue(Protocol):
    def get(self, code: str) -> ProcedureRecord | None: ...

    def in_field(self, field: str) -> list[ProcedureRecord]: ...

    def all(self) -> list[ProcedureRecord]: ...


def as_catalogue_entry(record: ProcedureRecord) -> CatalogueEntry:
    return CatalogueEntry(
        code=record.code,
        name=record.name,
        field=record.field,
        aliases=tuple(record.aliases),
        keywords=tuple(record.keywords),
        situations=tuple(record.situations),
        national_code=record.national_code,
        details=(
            *(d.name for d in record.documents), *(d.note or "" for d in record.documents), *record.conditions,
            *record.steps, record.applicants or "", record.notes or "", record.result or "",
        ),
        related=tuple(link.code for link in record.related),
    )


class SqlCatalogue:
    """Rows in any SQLAlchemy database, kept in memory after the first read (the catalogue is small
    and changes only through ``upsert``). ``revision`` grows with every change, so views derived
    from the records (the search index) know when to rebuild."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        upgrade_schema(engine)
        self._cache: dict[str, ProcedureRecord] | None = None
        self.revision = 0

    def upsert(self, records: Iterable[ProcedureRecord]) -> tuple[int, int]:
        """Insert new codes, update changed ones; returns (inserted, updated)."""
        inserted = updated = 0
        with Session(self._engine) as session, session.begin():
            existing = {row.code: row for row in session.scalars(select(ProcedureRow))}
            for record in records:
                payload = record.model_dump(mode="json")
                row = existing.get(record.code)
                if row is None:
                    session.add(_row(record, payload))
                    inserted += 1
                elif row.record != payload:
                    row.national_code, row.name, row.field = record.national_code, record.name, record.field
                    row.source, row.checked_on, row.record = record.source, record.checked_on, payload
                    updated += 1
        self._cache = None
        if inserted or updated:
            self.revision += 1
        return inserted, updated

    def _records(self) -> dict[str, ProcedureRecord]:
        if self._cache is None:
            with Session(self._engine) as session:
                rows = session.scalars(select(ProcedureRow).order_by(ProcedureRow.code))
                self._cache = {row.code: ProcedureRecord.model_validate(row.record) for row in rows}
        return self._cache

    def get(self, code: str) -> ProcedureRecord | None:
        return self._records().get(code)

    def in_field(self, field: str) -> list[ProcedureRecord]:
        return [r for r in self._records().values() if r.field == field]

    def all(self) -> list[ProcedureRecord]:
        return list(self._records().values())


def _row(record: ProcedureRecord, payload: dict[str, object]) -> ProcedureRow:
    return ProcedureRow(
        code=record.code,
        national_code=record.national_code,
        name=record.name,
        field=record.field,
        source=record.source,
        checked_on=record.checked_on,
        record=payload,
    )
