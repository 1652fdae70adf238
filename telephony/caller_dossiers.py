"""Which dossiers were filed with a phone number: the port the phone menu looks a caller up through.

The dossier status client (``knowledge.dossier``) reads one dossier by its code; a caller on the
keypad cannot type ``000.00.15.H29-240312-0042``, so the menu starts from the number they call
from. ``CallerDossiers`` answers, for a phone number, the codes of its dossiers with the last four
digits of the applicant's CCCD (all that verification needs; the full number never leaves the
adapter). ``SqlReferenceCallerDossiers`` reads the reference one-stop service's table; a real
one-stop system needs an adapter of its own for its search by phone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.dossier.client import DossierServiceUnavailable
from knowledge.dossier.models import last_digits
from knowledge.dossier.reference_service.models import DossierRow

__all__ = ["CallerDossier", "CallerDossiers", "SqlReferenceCallerDossiers", "national_number"]

_MIN_PHONE_DIGITS = 9


@dataclass(frozen=True, slots=True)
class CallerDossier:
    code: str
    id_suffix: str | None  # last four digits of the applicant's CCCD


class CallerDossiers(Protocol):
    async def dossiers_for(self, phone: str) -> list[CallerDossier]:
        """The dossiers filed with ``phone``, newest first; raises ``DossierServiceUnavailable``."""
        ...


def national_number(number: str) -> str:
    """``"+84 912 345 678"``, ``"84912345678"``, ``"0912.345.678"`` → ``"0912345678"``."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        return "0" + digits[2:]
    return digits


class SqlReferenceCallerDossiers:
    """The reference service's dossiers by ``applicant_phone``, however the number was written."""

    def __init__(self, engine: Engine, limit: int = 10) -> None:
        self._engine = engine
        self._limit = limit

    async def dossiers_for(self, phone: str) -> list[CallerDossier]:
        return await asyncio.to_thread(self._read, national_number(phone))

    def _read(self, phone: str) -> list[CallerDossier]:
        if len(phone) < _MIN_PHONE_DIGITS:
            return []
        # The stored number may be written with spaces or +84: narrow on its last three digits (never
        # split by a space in practice), then compare the whole numbers.
        query = (
            select(DossierRow.code, DossierRow.applicant_phone, DossierRow.applicant_id_number)
            .where(DossierRow.applicant_phone.like(f"%{phone[-3:]}"))
            .order_by(DossierRow.received_on.desc(), DossierRow.id.desc())
        )
        try:
            with Session(self._engine) as session:
                rows = session.execute(query).all()
        except SQLAlchemyError as error:
            raise DossierServiceUnavailable("the dossier directory cannot be read") from error
        found = [
            CallerDossier(code=code, id_suffix=last_digits(id_number))
            for code, stored, id_number in rows
            if national_number(stored or "") == phone
        ]
        return found[: self._limit]
