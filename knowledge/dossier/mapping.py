"""Reading another system's dossier JSON through a mapping in ``config.yml``, not through code.

``fields`` maps each field the bot knows to a (dotted) key of the system's JSON, ``statuses`` maps
the system's status values to ``DossierStatus`` names, and ``record_path`` says where the record sits
in the response body::

    record_path: data
    fields: {code: maHoSo, status: trangThai, procedure: thuTuc.ten, phone: chuHoSo.soDienThoai}
    statuses: {"1": received, "2": processing, "DA_TRA": returned}

Phone and ID numbers are reduced to their last four digits here, before anything else sees them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge.dossier.client import DossierDataError
from knowledge.dossier.models import DossierRecord, DossierStatus, last_digits

__all__ = ["KNOWN_FIELDS", "REQUIRED_FIELDS", "FieldMapping"]

KNOWN_FIELDS = frozenset(
    {"code", "status", "procedure", "received_on", "due_on", "step", "department", "missing", "reason",
     "updated_at", "phone", "id_number"}
)
REQUIRED_FIELDS = frozenset({"code", "status"})
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y%m%d")


def _dig(data: Any, path: str) -> Any:
    current = data
    for key in path.split(".") if path else []:
        if isinstance(current, Mapping) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            return None
    return current


@dataclass(frozen=True, slots=True)
class FieldMapping:
    fields: Mapping[str, str]
    statuses: Mapping[str, str]
    record_path: str = ""
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    _status_index: dict[str, DossierStatus] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.fields) - KNOWN_FIELDS
        if unknown:
            raise ValueError(f"dossier field mapping: unknown field(s) {sorted(unknown)}; known: {sorted(KNOWN_FIELDS)}")
        missing = REQUIRED_FIELDS - set(self.fields)
        if missing:
            raise ValueError(f"dossier field mapping: {sorted(missing)} must be mapped")
        index: dict[str, DossierStatus] = {}
        for raw, name in self.statuses.items():
            try:
                index[str(raw).strip().casefold()] = DossierStatus(name)
            except ValueError as error:
                known = [s.value for s in DossierStatus]
                raise ValueError(f"dossier status mapping: {raw!r} → {name!r} is not one of {known}") from error
        object.__setattr__(self, "_status_index", index)

    def read(self, body: Any) -> DossierRecord:
        """The record in a response body; ``DossierDataError`` when the body does not fit the mapping."""
        data = _dig(body, self.record_path) if self.record_path else body
        if not isinstance(data, Mapping):
            raise DossierDataError(f"no record at {self.record_path or 'the top level'} of the response")
        code = self._text(data, "code")
        if not code:
            raise DossierDataError("the response has no dossier code")
        return DossierRecord(
            code=code,
            status=self._status(data),
            procedure=self._text(data, "procedure"),
            received_on=self._date(data, "received_on"),
            due_on=self._date(data, "due_on"),
            step=self._text(data, "step"),
            department=self._text(data, "department"),
            missing=self._list(data, "missing"),
            reason=self._text(data, "reason"),
            updated_at=self._datetime(data, "updated_at"),
            verification_suffixes=frozenset(
                suffix for suffix in (last_digits(self._text(data, "phone")), last_digits(self._text(data, "id_number")))
                if suffix
            ),
        )

    # Fields ----------------------------------------------------------------------------------
    def _raw(self, data: Mapping[str, Any], name: str) -> Any:
        path = self.fields.get(name)
        return _dig(data, path) if path else None

    def _text(self, data: Mapping[str, Any], name: str) -> str | None:
        value = self._raw(data, name)
        if value is None or isinstance(value, (dict, list)):
            return None
        text = str(value).strip()
        return text or None

    def _list(self, data: Mapping[str, Any], name: str) -> tuple[str, ...]:
        value = self._raw(data, name)
        if value is None:
            return ()
        items = value if isinstance(value, list) else str(value).split(";")
        return tuple(str(item).strip() for item in items if str(item).strip())

    def _status(self, data: Mapping[str, Any]) -> DossierStatus:
        raw = self._text(data, "status")
        if raw is None:
            raise DossierDataError("the response has no status")
        status = self._status_index.get(raw.casefold())
        if status is None:
            raise DossierDataError(f"status value {raw!r} is not in the status mapping")
        return status

    def _datetime(self, data: Mapping[str, Any], name: str) -> dt.datetime | None:
        raw = self._text(data, name)
        if raw is None:
            return None
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            pass
        for pattern in self.date_formats:
            try:
                return dt.datetime.strptime(raw, pattern)
            except ValueError:
                continue
        raise DossierDataError(f"{name}: {raw!r} is not a date in any configured format")

    def _date(self, data: Mapping[str, Any], name: str) -> dt.date | None:
        moment = self._datetime(data, name)
        return moment.date() if moment else None
