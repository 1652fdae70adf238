"""Maps one record of the national portal's page layout to a ``ProcedureRecord``.

The portal's keys are its section names (``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien``...,
see ``/work/shared/data/README.md``). Plain sections are copied after cleaning; the flattened tables
are split by ``channels``, ``documents`` and ``legal_basis``. Whatever could not be split, or that the
portal leaves empty, goes into ``unconfirmed`` with its reason, so the bot says so instead of
answering from a guess: ``unconfirmed: {fee: "không tách được từ bản ghi"}``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from knowledge.importers.channels import parse_channels
from knowledge.importers.documents import parse_documents
from knowledge.importers.legal_basis import parse_legal_basis
from knowledge.importers.phrases import derive_phrases
from knowledge.importers.text import clean, is_no_info, outline, slug
from knowledge.schemas import Level, ProcedureRecord

__all__ = ["BrokenRecord", "PortalRecord", "code_for", "parse_portal_record"]

REQUIRED = ("ma_thu_tuc", "ten_thu_tuc")
LEVELS: dict[str, Level] = {
    "cấp bộ": "central",
    "cấp trung ương": "central",
    "cấp tỉnh": "province",
    "cấp xã": "commune",
}
_NATIONAL_CODE = re.compile(r"^\d+\.\d+$")
_RESULT_END = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")
# Result codes: "KQ.G15.000077", "000.00.15.G15-KQ0001", "G15-KQ000123", "12231".
_RESULT_CODE = re.compile(r"Mã:\s*(?:KQ\.[A-Z]\d+\.\d+|[\d.]*G\d+-KQ\d+|\d+)")
_DESCRIPTION = re.compile(r"Mô tả(?P<text>.*?)(?:Chọn cơ quan thực hiện|$)", re.DOTALL)


class BrokenRecord(ValueError):
    """The record cannot become a procedure at all (no code or no name); it is skipped."""


@dataclass(slots=True)
class PortalRecord:
    record: ProcedureRecord
    problems: dict[str, str] = field(default_factory=dict)
    # A dossier in several groups, one of them for a case, and whether every case kept its label.
    conditional_dossier: bool = False
    conditions_kept: bool = True


def code_for(national_code: str) -> str:
    """A stable catalogue code from the national one: ``"1.000080"`` → ``"nc_1_000080"``."""
    return "nc_" + re.sub(r"[^0-9a-z]+", "_", national_code.strip().lower()).strip("_")


def parse_portal_record(raw: Mapping[str, object], *, checked_on: dt.date) -> PortalRecord:
    """One portal page → a procedure and the reasons for each field it could not fill."""
    # Each section cleaned once (``raw_text``, the whole page again, is not read).
    raw = {key: clean(value) for key, value in raw.items() if isinstance(value, str) and key != "raw_text"}
    national_code = _text(raw, "ma_thu_tuc")
    name = _text(raw, "ten_thu_tuc")
    missing = [key for key, value in zip(REQUIRED, (national_code, name)) if not value]
    if missing:
        raise BrokenRecord(f"thiếu {', '.join(missing)}")
    if not _NATIONAL_CODE.match(national_code):
        raise BrokenRecord(f"mã thủ tục không hợp lệ: {national_code!r}")
    problems: dict[str, str] = {}
    channels = parse_channels(_text(raw, "cach_thuc_thuc_hien"), today=checked_on)
    documents = parse_documents(_text(raw, "thanh_phan_ho_so"))
    legal = parse_legal_basis(_text(raw, "can_cu_phap_ly"))
    for parsed in (channels.problems, documents.problems, legal.problems):
        problems.update(parsed)
    level, levels_note = _level(_text(raw, "cap_thuc_hien"))
    if level is None and _given(raw, "cap_thuc_hien"):
        problems["level"] = f"Cổng ghi cấp thực hiện là “{_text(raw, 'cap_thuc_hien')}”"
    agency = _first_given(raw, "co_quan_thuc_hien", "co_quan_co_tham_quyen")
    notes = [
        note
        for note in (
            levels_note,
            _given(raw, "so_quyet_dinh") and f"Công bố tại Quyết định {_text(raw, 'so_quyet_dinh')}.",
            _description(_text(raw, "ket_qua_xu_ly")),
            documents.notes
            and "Lưu ý về hồ sơ (theo Cổng):\n" + "\n".join(f"- {n}" for n in documents.notes),
        )
        if note
    ]
    aliases, keywords = derive_phrases(name)
    record = ProcedureRecord(
        code=code_for(national_code),
        national_code=national_code,
        name=name,
        aliases=aliases,
        keywords=keywords,
        field=slug(_text(raw, "linh_vuc")) if _given(raw, "linh_vuc") else "khac",
        field_name=_text(raw, "linh_vuc") if _given(raw, "linh_vuc") else None,
        level=level,
        agency=agency,
        submit_to=_first_given(raw, "dia_chi_tiep_nhan"),
        applicants=_first_given(raw, "doi_tuong_thuc_hien"),
        conditions=[] if not _given(raw, "yeu_cau_dieu_kien") else outline(_text(raw, "yeu_cau_dieu_kien")),
        steps=outline(_text(raw, "trinh_tu_thuc_hien")),
        channels=channels.channels,
        documents=documents.documents,
        result=_result(_text(raw, "ket_qua_xu_ly")),
        legal_basis=legal.legal_basis,
        url=_first_given(raw, "detail_url"),
        checked_on=checked_on,
        imported_on=checked_on,
        checked=f"Nhập tự động từ Cổng Dịch vụ công quốc gia ngày {checked_on:%d/%m/%Y}; "
        "chưa đối chiếu văn bản.",
        unconfirmed=dict(sorted(problems.items())),
        notes="\n".join(notes) or None,
        source="national_portal",
    )
    return PortalRecord(
        record, dict(sorted(problems.items())), documents.conditional, documents.conditions_kept
    )


def _text(raw: Mapping[str, str], key: str) -> str:
    return raw.get(key, "")


def _given(raw: Mapping[str, str], key: str) -> bool:
    return not is_no_info(_text(raw, key))


def _first_given(raw: Mapping[str, str], *keys: str) -> str | None:
    return next((_text(raw, key) for key in keys if _given(raw, key)), None)


def _level(text: str) -> tuple[Level | None, str | None]:
    """``"Cấp bộ, Cấp tỉnh"`` → central, with a note naming every level the portal lists."""
    levels = [LEVELS[part] for part in (p.strip().lower() for p in text.split(",")) if part in LEVELS]
    note = f"Cấp thực hiện theo Cổng: {text}." if "," in text else None
    return (levels[0] if levels else None), note


def _result(text: str) -> str | None:
    """``"Thẻ tư vấn viên pháp luậtMã: KQ.G15.000077Từ khóa..."`` → ``"Thẻ tư vấn viên pháp luật"``."""
    end = _RESULT_END.search(text)
    head = text[: end.start()] if end else text
    parts = [part.strip(" .;") for part in _RESULT_CODE.split(head)]
    results = [part for part in parts if part and not is_no_info(part)]
    return "; ".join(results) or None


def _description(text: str) -> str | None:
    match = _DESCRIPTION.search(text)
    if not match or is_no_info(match.group("text")):
        return None
    return f"Mô tả trên Cổng: {match.group('text').strip()}"
