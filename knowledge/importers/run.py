"""``dvcbot catalogue import PATH``: reads portal records or catalogue YAML and upserts them.

PATH is a directory (every ``*.json``, ``*.yml`` and ``*.yaml`` below it), one portal JSON file (a
record or a list of records) or one catalogue YAML file as ``dvcbot catalogue export`` writes it,
so export → import round-trips. Importing is idempotent: a procedure whose content has not changed
since the last import is left alone (its ``checked_on`` too); a broken record — bad JSON, no
``ma_thu_tuc`` or ``ten_thu_tuc`` — is reported and skipped, never fatal. A portal record whose
national code a curated entry already covers is not imported: hand-checked content wins.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from knowledge.catalogue import SqlCatalogue
from knowledge.importers.national_portal import BrokenRecord, parse_portal_record
from knowledge.importers.phrases import borrowed_names, distinct_phrases, official_core, phrase_key
from knowledge.loader import CatalogueDataError, load_catalogue_file
from knowledge.schemas import ProcedureRecord

__all__ = ["ImportReport", "RecordOutcome", "Status", "import_path"]

Status = Literal["imported", "updated", "unchanged", "kept_curated", "skipped"]
STATUSES: tuple[Status, ...] = ("imported", "updated", "unchanged", "kept_curated", "skipped")
_VOLATILE = {"checked_on", "checked", "imported_on"}


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What happened to one input record: ``nc_1_000080 imported`` with the fields it could not fill."""

    origin: str
    status: Status
    code: str | None = None
    name: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    conditions_kept: bool | None = None  # None: not a dossier in several groups with cases

    def line(self) -> str:
        label = self.code or self.origin
        if self.error:
            return f"{self.status:<12} {label}: {self.error}"
        problems = "; ".join(f"{key}: {reason}" for key, reason in self.problems.items())
        return f"{self.status:<12} {label}" + (f" — chưa tách được/thiếu: {problems}" if problems else "")


@dataclass(slots=True)
class ImportReport:
    outcomes: list[RecordOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    def summary(self) -> dict[str, int | float]:
        counts: dict[str, int | float] = {status: self.count(status) for status in STATUSES}
        counts["with_unparsed_fields"] = sum(1 for o in self.outcomes if o.problems)
        conditional = [o for o in self.outcomes if o.conditions_kept is not None]
        counts["conditional_dossiers"] = len(conditional)
        counts["conditions_kept"] = sum(1 for o in conditional if o.conditions_kept)
        counts["seconds"] = round(self.seconds, 3)
        return counts

    def as_json(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "records": [
                {
                    "origin": o.origin,
                    "status": o.status,
                    "code": o.code,
                    "name": o.name,
                    "problems": o.problems,
                    "error": o.error,
                    "conditions_kept": o.conditions_kept,
                }
                for o in self.outcomes
            ],
        }


@dataclass(slots=True)
class _Candidate:
    origin: str
    record: ProcedureRecord
    problems: dict[str, str]
    conditions_kept: bool | None = None


def import_path(
    *,
    catalogue: SqlCatalogue,
    path: Path,
    checked_on: dt.date | None = None,
    others: Sequence[tuple[str, Sequence[str]]] = (),
) -> ImportReport:
    """Import everything under ``path`` into ``catalogue`` in one transaction and say what happened.

    ``others``: (name, aliases) of the procedures the project lists as not held
    (``nlu.other_procedures``); the imported records they name take those names as aliases."""
    started = time.perf_counter()
    today = checked_on or dt.date.today()
    report = ImportReport()
    candidates: list[_Candidate] = []
    for item in _read(path, today):
        if isinstance(item, RecordOutcome):
            report.outcomes.append(item)
        else:
            candidates.append(item)
    existing = {record.code: record for record in catalogue.all()}
    curated = {
        r.national_code: r.code for r in existing.values() if r.source == "curated" and r.national_code
    }
    _keep_distinct_phrases(candidates, existing.values(), others)
    changes: list[ProcedureRecord] = []
    seen: dict[str, str] = {}
    for candidate in candidates:
        record = candidate.record
        outcome = _decide(candidate, existing.get(record.code), curated, seen)
        seen.setdefault(record.code, candidate.origin)
        if outcome.status in ("imported", "updated"):
            changes.append(record)
        report.outcomes.append(outcome)
    catalogue.upsert(changes)
    report.seconds = time.perf_counter() - started
    return report


def _keep_distinct_phrases(
    candidates: list[_Candidate],
    existing: Iterable[ProcedureRecord],
    others: Sequence[tuple[str, Sequence[str]]],
) -> None:
    """Drop the derived phrases that several imported records share or a curated entry uses; add
    the names people use for a record that ``others`` holds."""
    portal = [c for c in candidates if c.record.source == "national_portal"]
    taken = [
        phrase
        for record in existing
        if record.source == "curated"
        for phrase in (record.name, *record.aliases, *record.keywords)
    ]
    taken += [c.record.name for c in portal]
    kept = distinct_phrases({c.origin: (c.record.aliases, c.record.keywords) for c in portal}, taken)
    # Nor another record's name without its "Thủ tục": "đăng ký kết hôn có yếu tố nước ngoài" (short for
    # "... tại khu vực biên giới") is the name of "Thủ tục đăng ký kết hôn có yếu tố nước ngoài".
    cores: dict[str, set[str]] = {}
    for c in portal:
        cores.setdefault(phrase_key(official_core(c.record.name)), set()).add(c.origin)

    def own(phrases: list[str], origin: str) -> list[str]:
        return [p for p in phrases if cores.get(phrase_key(p), {origin}) <= {origin}]

    kept = {
        origin: (own(aliases, origin), own(keywords, origin)) for origin, (aliases, keywords) in kept.items()
    }
    borrowed = borrowed_names(
        {c.origin: c.record.name for c in portal}, others, {o: keywords for o, (_, keywords) in kept.items()}
    )
    for candidate in portal:
        aliases, keywords = kept[candidate.origin]
        known = {phrase_key(p) for p in (candidate.record.name, *aliases)}
        # A listed name that is another record's own ("cấp thẻ công chứng viên", listed with "Bổ
        # nhiệm công chứng viên") stays that record's.
        for name in own(borrowed.get(candidate.origin, []), candidate.origin):
            if phrase_key(name) not in known:
                known.add(phrase_key(name))
                aliases = [*aliases, name]
        # In the record's own order where it had them, so importing an export changes nothing.
        place = {phrase_key(a): n for n, a in enumerate(candidate.record.aliases)}
        aliases = sorted(aliases, key=lambda a: place.get(phrase_key(a), len(place)))
        candidate.record = candidate.record.model_copy(update={"aliases": aliases, "keywords": keywords})


def _decide(
    candidate: _Candidate, old: ProcedureRecord | None, curated: dict[str, str], seen: dict[str, str]
) -> RecordOutcome:
    record = candidate.record

    def outcome(status: Status, error: str | None = None) -> RecordOutcome:
        return RecordOutcome(
            candidate.origin,
            status,
            record.code,
            record.name,
            candidate.problems,
            error,
            candidate.conditions_kept,
        )

    if record.code in seen:
        return outcome("skipped", f"trùng mã với {seen[record.code]}")
    if record.source == "national_portal" and record.national_code in curated:
        return outcome("kept_curated", f"đã có mục biên soạn {curated[record.national_code]}")
    if old is None:
        return outcome("imported")
    if _same(old, record):
        return outcome("unchanged")
    return outcome("updated")


def _same(old: ProcedureRecord, new: ProcedureRecord) -> bool:
    """A portal record re-imported on another day is unchanged if only its import date differs."""
    if new.source == "national_portal" and old.source == "national_portal":
        return old.model_dump(exclude=_VOLATILE) == new.model_dump(exclude=_VOLATILE)
    return old == new


def _read(path: Path, today: dt.date) -> Iterator[_Candidate | RecordOutcome]:
    if not path.exists():
        yield RecordOutcome(str(path), "skipped", error="không tìm thấy đường dẫn")
        return
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".yml", ".yaml") and p.is_file())
        if path.is_dir()
        else [path]
    )
    for file in files:
        origin = str(file.relative_to(path)) if path.is_dir() else file.name
        if file.suffix.lower() in (".yml", ".yaml"):
            yield from _read_yaml(file, origin)
        else:
            yield from _read_json(file, origin, today)


def _read_yaml(file: Path, origin: str) -> Iterator[_Candidate | RecordOutcome]:
    try:
        records = load_catalogue_file(file)
    except CatalogueDataError as error:
        yield RecordOutcome(origin, "skipped", error=str(error))
        return
    for index, record in enumerate(records):
        where = f"{origin}[{index}]"
        yield _Candidate(where, record, dict(record.unconfirmed))


def _read_json(file: Path, origin: str, today: dt.date) -> Iterator[_Candidate | RecordOutcome]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        yield RecordOutcome(origin, "skipped", error=f"JSON không đọc được: {error}")
        return
    items = document if isinstance(document, list) else [document]
    for index, item in enumerate(items):
        where = origin if len(items) == 1 else f"{origin}[{index}]"
        if not isinstance(item, dict):
            yield RecordOutcome(where, "skipped", error="bản ghi không phải một đối tượng JSON")
            continue
        try:
            parsed = parse_portal_record(item, checked_on=today)
        except BrokenRecord as error:
            yield RecordOutcome(where, "skipped", error=str(error))
            continue
        except ValidationError as error:
            yield RecordOutcome(where, "skipped", error=f"không hợp lệ: {error.errors()[0]['msg']}")
            continue
        except Exception as error:  # noqa: BLE001 — one odd page must not stop a 10,000-record import
            yield RecordOutcome(where, "skipped", error=f"lỗi khi tách: {type(error).__name__}: {error}")
            continue
        kept = parsed.conditions_kept if parsed.conditional_dossier else None
        yield _Candidate(where, parsed.record, parsed.problems, kept)
