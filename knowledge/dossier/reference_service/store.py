"""Keyword-only queries of the reference service; each says whether the status changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge.dossier.reference_service.models import DossierRow, StepRow
from knowledge.dossier.reference_service.schemas import DossierCreate, DossierUpdate, StepCreate, tidy_code

__all__ = ["DossierExists", "append_step", "count_dossiers", "create_dossier", "get_dossier", "update_dossier"]

Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class DossierExists(ValueError):
    pass


def get_dossier(*, session: Session, code: str) -> DossierRow | None:
    return session.scalars(
        select(DossierRow).where(DossierRow.code == tidy_code(code)).options(selectinload(DossierRow.steps))
    ).first()


def count_dossiers(*, session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DossierRow)) or 0)


def create_dossier(*, session: Session, data: DossierCreate, clock: Clock = _now) -> DossierRow:
    if get_dossier(session=session, code=data.code) is not None:
        raise DossierExists(data.code)
    row = DossierRow(**data.model_dump(), updated_at=clock())
    row.status = data.status.value
    row.steps = []
    session.add(row)
    session.flush()
    return row


def update_dossier(*, session: Session, row: DossierRow, data: DossierUpdate, clock: Clock = _now) -> bool:
    """Apply the fields that were sent; ``True`` when the status changed."""
    before = row.status
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(row, name, value.value if name == "status" and value is not None else value)
    if row.status is None:
        row.status = before
    row.updated_at = clock()
    return row.status != before


def append_step(*, session: Session, row: DossierRow, data: StepCreate, clock: Clock = _now) -> bool:
    """Add a step, make it the current one; ``True`` when it also changed the status."""
    now = clock()
    row.steps.append(StepRow(name=data.name, department=data.department, note=data.note, at=now))
    row.current_step = data.name
    if data.department:
        row.department = data.department
    before = row.status
    if data.status is not None:
        row.status = data.status.value
    row.updated_at = now
    return row.status != before
