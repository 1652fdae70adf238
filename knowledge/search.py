"""Ranked, diacritic-insensitive search over the catalogue: by name, alias, keyword, field or code.

Ranking is the NLU's own retrieval index (``nlu.procedure_index.ProcedureIndex``: syllables and
syllable pairs of each phrase, IDF-weighted coverage), so the API finds procedures the way the bot
recognises them: ``"dang ky khai sinh"`` and ``"đăng ký khai sinh"`` rank the same, and ``"gplđ"``
expands to "giấy phép lao động". A field's name is a weaker phrase of every procedure in it
("hộ tịch" lists the civil-status procedures, those that say it in their name first); an exact
catalogue or national code ("1.000080") comes first.

The index is built once per catalogue revision and kept beside the catalogue it describes.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalogue import ProcedureCatalogue
from knowledge.schemas import ProcedureRecord
from nlu.normalize import Abbreviations, fold
from nlu.procedure_index import ProcedureIndex

__all__ = ["ABBREVIATIONS_PATH", "SearchHit", "SearchIndex", "search_procedures"]

ABBREVIATIONS_PATH = Path(__file__).resolve().parent.parent / "nlu" / "data" / "abbreviations.yml"
EXACT_CODE_SCORE = 2.0


@dataclass(frozen=True, slots=True)
class SearchHit:
    record: ProcedureRecord
    score: float


class SearchIndex:
    """The catalogue's records and a ``ProcedureIndex`` over their names, aliases, keywords,
    situations and field names."""

    def __init__(self, records: list[ProcedureRecord], abbreviations: Abbreviations) -> None:
        self.records = {record.code: record for record in records}
        self._by_code = {fold(r.code): r.code for r in records} | {
            fold(r.national_code): r.code for r in records if r.national_code
        }
        self._index = _build(records, abbreviations)
        self._abbreviations = abbreviations
        self._field_indexes: dict[str, ProcedureIndex] = {}

    def search(self, query: str, *, field: str | None = None, limit: int = 10) -> list[SearchHit]:
        """Best first. An empty query lists the field (or everything) by code."""
        if limit <= 0:
            return []
        text = query.strip()
        if not text:
            codes = sorted(code for code, record in self.records.items() if field in (None, record.field))
            return [SearchHit(self.records[code], 0.0) for code in codes[:limit]]
        exact = self._by_code.get(fold(text))
        if exact is not None and field not in (None, self.records[exact].field):
            exact = None
        hits = [SearchHit(self.records[exact], EXACT_CODE_SCORE)] if exact else []
        index = self._index if field is None else self._field_index(field)
        # One more than needed: the exact code may be among them too. Equal scores are put in code
        # order, so a page reads the same on every run.
        ranked = sorted(
            (round(match.score, 4), match.code)
            for match in index.search(text, limit=limit + 1)
            if match.code != exact and match.score > 0
        )
        ranked.sort(key=lambda item: -item[0])
        hits.extend(SearchHit(self.records[code], score) for score, code in ranked[: limit - len(hits)])
        return hits

    def _field_index(self, field: str) -> ProcedureIndex:
        """An index of one field's procedures, built on first use (IDF within the field)."""
        if field not in self._field_indexes:
            members = [r for r in self.records.values() if r.field == field]
            self._field_indexes[field] = _build(members, self._abbreviations)
        return self._field_indexes[field]


def _build(records: list[ProcedureRecord], abbreviations: Abbreviations) -> ProcedureIndex:
    index = ProcedureIndex(abbreviations)
    for record in records:
        index.add_procedure(record, with_field=True)
    index.build()
    return index


# One index per live catalogue object, dropped with it; rebuilt when the catalogue's revision moves.
_INDEXES: weakref.WeakKeyDictionary[object, tuple[object, Abbreviations | None, SearchIndex]] = (
    weakref.WeakKeyDictionary()
)


def _index_for(catalogue: ProcedureCatalogue, abbreviations: Abbreviations | None) -> SearchIndex:
    """The cached index of ``catalogue`` while its ``revision`` (or, without one, its codes and
    names) and the abbreviations asked for are unchanged."""
    records = catalogue.all()
    version: object = getattr(catalogue, "revision", None)
    if version is None:
        version = tuple((r.code, r.name) for r in records)
    try:
        cached = _INDEXES.get(catalogue)
    except TypeError:  # not weakly referenceable: indexed on every call
        cached = None
    if cached is not None and cached[0] == version and cached[1] is abbreviations:
        return cached[2]
    index = SearchIndex(records, abbreviations or Abbreviations.from_file(ABBREVIATIONS_PATH))
    try:
        _INDEXES[catalogue] = (version, abbreviations, index)
    except TypeError:
        pass
    return index


def search_procedures(
    *,
    catalogue: ProcedureCatalogue,
    query: str,
    field: str | None = None,
    limit: int = 10,
    abbreviations: Abbreviations | None = None,
) -> list[SearchHit]:
    """Procedures matching ``query`` ranked best first, optionally within one ``field``.

    ``search_procedures(catalogue=c, query="dang ky khai sinh", field="ho_tich")`` → "Đăng ký khai
    sinh" first, then the other birth-registration procedures of the civil-status field.
    """
    return _index_for(catalogue, abbreviations).search(query, field=field, limit=limit)
