"""Every dossier lookup made by staff, with who, which code and when (``staff_dossier_lookups``).

Staff are trusted to look a caller's dossier up without the applicant's verification; the audit is
the counterweight: a supervisor can see every lookup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from console.tables import DossierLookupAuditRow
from knowledge.migrations import upgrade_schema

__all__ = ["LookupAudit", "LookupRecord"]


@dataclass(frozen=True, slots=True)
class LookupRecord:
    staff_id: int
    code: str
    found: bool
    looked_up_at: float


class LookupAudit:
    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        upgrade_schema(engine)

    def record(self, *, staff_id: int, code: str, found: bool) -> None:
        with Session(self._engine) as session, session.begin():
            session.add(
                DossierLookupAuditRow(
                    staff_id=staff_id, code=code[:64], found=found, looked_up_at=self._clock()
                )
            )

    def recent(self, *, limit: int = 100) -> list[LookupRecord]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(DossierLookupAuditRow).order_by(DossierLookupAuditRow.id.desc()).limit(limit)
            )
            return [LookupRecord(r.staff_id, r.code, r.found, r.looked_up_at) for r in rows]
