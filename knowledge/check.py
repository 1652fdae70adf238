"""``dvcbot catalogue check``: a lint of the curated catalogue before it ships.

An entry fails when it cites a legal text listed as replaced (``knowledge/replaced_texts.yml``), has no
national code or no link to its own page on the national portal, or was last checked longer ago than
``max_age_days``. An entry that is no portal procedure (an official page off the portal, and the reason in
``unconfirmed.national_code``) needs no code. A gap the entry declares in ``unconfirmed`` (with its reason) is not a failure but
is counted, so what is still unverified stays visible:

    FAIL viec_lam.yml unemployment_benefit: cites 38/2013/QH13, replaced by 74/2025/QH15 after 31/12/2025
    unconfirmed fields: processing_time 12, documents 9, ...
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.loader import load_catalogue_file
from knowledge.schemas import ProcedureRecord

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "REPLACED_TEXTS_FILE",
    "STRICT_ENV",
    "CheckReport",
    "Problem",
    "ReplacedText",
    "check_catalogue",
    "check_records",
    "link_kind",
    "load_replaced_texts",
]

REPLACED_TEXTS_FILE = Path(__file__).with_name("replaced_texts.yml")
# An answer a citizen acts on: a curated entry not re-read against the law for half a year is stale.
DEFAULT_MAX_AGE_DAYS = 183

# A procedure's own page on the national portal: /thu-tuc-hanh-chinh/<uuid> (the portal since 2026), or
# the portal's look-up by the procedure's national code, which opens that one procedure.
_DETAIL_PAGE = re.compile(r"^https://dichvucong\.gov\.vn/thu-tuc-hanh-chinh/[0-9a-f]{8}-[0-9a-f-]{27}$")
_CODE_LOOKUP = re.compile(
    r"^https://dichvucong\.gov\.vn/tim-kiem-thu-tuc-hanh-chinh\?keyword=(?P<code>[0-9.]+)$"
)
# The portal's old detail page keyed by the national code (``ma_thu_tuc=1.010830``). Reported dead since August
# 2026: a link of this form fails the check; use the 2026 page (/thu-tuc-hanh-chinh/<uuid>) or, while it is not
# known, the look-up by the entry's own code (``tim-kiem-thu-tuc-hanh-chinh?keyword=<code>``).
_CODE_PAGE = re.compile(
    r"^https://dichvucong\.gov\.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh\.html\?ma_thu_tuc=(?P<code>[0-9.]+)$"
)
# The same look-up by the procedure's name: the best link while its national code is unknown; allowed only
# when the entry says so in ``unconfirmed.url``.
_NAME_LOOKUP = re.compile(
    r"^https://dichvucong\.gov\.vn/tim-kiem-thu-tuc-hanh-chinh\?keyword=[^&]*[^0-9.&][^&]*$"
)
_PORTAL_HOSTS = ("dichvucong.gov.vn",)
STRICT_ENV = "DVCBOT_CATALOGUE_STRICT"
_NUMBER_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ReplacedText:
    number: str
    title: str
    until: dt.date  # the last day it applied
    replaced_by: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    code: str
    kind: str  # replaced_basis | no_national_code | no_own_link | stale | future_date | declared_gap | related
    message: str

    def line(self) -> str:
        return f"FAIL {self.file} {self.code}: {self.message}"


@dataclass(slots=True)
class CheckReport:
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    unconfirmed: Counter[str] = field(default_factory=Counter)
    declared_gaps: list[str] = field(default_factory=list)
    links: Counter[str] = field(default_factory=Counter)
    # Entries still without a national code / without their own portal page (a reason declared in
    # ``unconfirmed``): a counted warning, or a failure with ``strict``.
    missing_code: list[str] = field(default_factory=list)
    missing_own_link: list[str] = field(default_factory=list)
    # Entries that are no portal procedure (the 111 line, the minimum wage as information): they link to an
    # official page off the portal and say in ``unconfirmed.national_code`` why they have no code.
    not_portal: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [problem.line() for problem in self.problems]
        out.extend(f"NOTE {gap}" for gap in self.declared_gaps)
        kinds = ", ".join(
            f"{kind} {count}"
            for kind, count in sorted(self.unconfirmed.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        out.append(f"unconfirmed fields by kind: {kinds or 'none'} (total {sum(self.unconfirmed.values())})")
        out.append("links: " + ", ".join(f"{kind} {count}" for kind, count in sorted(self.links.items())))
        if self.missing_code:
            out.append(
                f"WARN {len(self.missing_code)} of {self.entries} entries have no national code: "
                + ", ".join(self.missing_code)
            )
        if self.not_portal:
            out.append(
                f"NOTE {len(self.not_portal)} of {self.entries} entries are no portal procedure (no national code "
                "expected): " + ", ".join(self.not_portal)
            )
        if self.missing_own_link:
            out.append(
                f"WARN {len(self.missing_own_link)} of {self.entries} entries do not link to their own portal "
                "page: " + ", ".join(self.missing_own_link)
            )
        verdict = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        out.append(f"{self.entries} curated entries checked: {verdict}")
        return out


def _normalise(number: str) -> str:
    return _NUMBER_SPACES.sub("", number).upper()


def load_replaced_texts(path: Path = REPLACED_TEXTS_FILE) -> list[ReplacedText]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = []
    for row in document.get("replaced", []):
        rows.append(
            ReplacedText(
                number=str(row["number"]),
                title=str(row["title"]),
                until=row["until"],
                replaced_by=str(row["replaced_by"]),
                note=row.get("note"),
            )
        )
    return rows


def link_kind(record: ProcedureRecord) -> str:
    """``detail_page``, ``code_page`` (the portal's old detail page keyed by this entry's own code, a dead form),
    ``code_lookup`` (the portal's look-up by this entry's own code), ``name_lookup``
    (the look-up by its name, while the code is unknown), ``other_official``
    (a non-portal page, for an entry that is not a portal procedure), or ``missing`` / ``generic``."""
    url = record.url or ""
    if not url.startswith("https://"):
        return "missing"
    if _DETAIL_PAGE.match(url):
        return "detail_page"
    page = _CODE_PAGE.match(url)
    if page:
        return "code_page" if record.national_code and page["code"] == record.national_code else "generic"
    lookup = _CODE_LOOKUP.match(url)
    if lookup:
        return "code_lookup" if record.national_code and lookup["code"] == record.national_code else "generic"
    if _NAME_LOOKUP.match(url):
        return "name_lookup"
    if any(host in url for host in _PORTAL_HOSTS):
        return "generic"
    return "other_official"


def _cited_numbers(record: ProcedureRecord) -> Iterable[tuple[str, str]]:
    """(where, text) pairs whose text may name a legal number: the legal basis and each fact's basis."""
    for basis in record.legal_basis:
        yield "legal basis", basis.number
    for index, fact in enumerate(record.facts):
        if fact.basis:
            yield f"fact {index + 1} basis", fact.basis


def _check_one(
    record: ProcedureRecord,
    file: str,
    replaced: list[ReplacedText],
    today: dt.date,
    max_age_days: int,
    report: CheckReport,
    strict: bool = False,
) -> None:
    def fail(kind: str, message: str) -> None:
        report.problems.append(Problem(file, record.code, kind, message))

    for where, text in _cited_numbers(record):
        folded = _normalise(text)
        for old in replaced:
            if old.until >= today or not re.search(rf"(?<![0-9]){re.escape(_normalise(old.number))}", folded):
                continue
            # A fact's basis may name the old text beside its replacement ("Nghị định 335/2026/NĐ-CP, thay
            # Nghị định 20/2021/NĐ-CP"); a legal-basis row is one text and names the old one alone.
            if where != "legal basis" and _normalise(old.replaced_by) in folded:
                continue
            fail(
                "replaced_basis",
                f"{where} cites {old.number} ({old.title}), replaced by {old.replaced_by} "
                f"after {old.until:%d/%m/%Y}",
            )
    kind = link_kind(record)
    if not record.national_code and kind == "other_official" and "national_code" in record.unconfirmed:
        # Not a procedure of the portal: an official page elsewhere and the reason declared; strict or not,
        # there is no code to find.
        report.not_portal.append(record.code)
        report.declared_gaps.append(
            f"{file} {record.code}: no portal procedure — {record.unconfirmed['national_code']}"
        )
    elif not record.national_code:
        report.missing_code.append(record.code)
        if "national_code" in record.unconfirmed:
            report.declared_gaps.append(
                f"{file} {record.code}: no national code — {record.unconfirmed['national_code']}"
            )
            if strict:
                fail("declared_gap", "no national code (strict: a declared reason is not enough)")
        else:
            fail(
                "no_national_code", "no national code (ma_thu_tuc) and no reason in unconfirmed.national_code"
            )
    report.links[kind] += 1
    if kind not in ("detail_page", "other_official"):  # other_official: not a portal procedure
        report.missing_own_link.append(record.code)
    if kind == "code_page":
        fail(
            "no_own_link",
            f"url {record.url} uses the portal's ma_thu_tuc page form, reported dead since 08/2026; link the "
            "2026 page /thu-tuc-hanh-chinh/<id> or the look-up by the entry's own code",
        )
    if kind == "name_lookup":
        if "url" in record.unconfirmed:
            report.declared_gaps.append(
                f"{file} {record.code}: link is a look-up by name — {record.unconfirmed['url']}"
            )
            if strict:
                fail("declared_gap", "link is a look-up by name (strict: a declared reason is not enough)")
        else:
            fail(
                "no_own_link", f"url {record.url} looks the procedure up by name; say why in unconfirmed.url"
            )
    elif kind in ("missing", "generic"):
        fail(
            "no_own_link",
            f"url {record.url or '(none)'} is not the procedure's own page on the national portal",
        )
    elif kind == "other_official" and record.national_code:
        fail(
            "no_own_link",
            f"url {record.url} is not on the national portal although the entry has code "
            f"{record.national_code}",
        )
    age = (today - record.checked_on).days
    if age > max_age_days:
        fail("stale", f"checked_on {record.checked_on:%d/%m/%Y} is {age} days old (limit {max_age_days})")
    if age < 0:
        fail("future_date", f"checked_on {record.checked_on:%d/%m/%Y} is after today {today:%d/%m/%Y}")
    report.unconfirmed.update(record.unconfirmed.keys())
    report.unconfirmed["fact"] += sum(1 for fact in record.facts if fact.unconfirmed)


def check_records(
    files: dict[str, list[ProcedureRecord]],
    *,
    today: dt.date | None = None,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    replaced: list[ReplacedText] | None = None,
    strict: bool = False,
) -> CheckReport:
    """``strict`` also fails entries whose missing code or own link is only declared in ``unconfirmed``
    (the issue's bar; off by default while codes of the 2025 re-publication cannot be looked up)."""
    today = today or dt.date.today()
    replaced = load_replaced_texts() if replaced is None else replaced
    report = CheckReport()
    codes = {record.code for records in files.values() for record in records}
    for file, records in files.items():
        for record in records:
            for link in record.related:
                if link.code not in codes or link.code == record.code:
                    # A link to nothing would send a follow-up nowhere (bot.related_procedures).
                    report.problems.append(Problem(file, record.code, "related", f"related code {link.code!r} is no other entry"))
            if record.source != "curated":
                continue
            report.entries += 1
            _check_one(record, file, replaced, today, max_age_days, report, strict)
    if not report.unconfirmed["fact"]:
        del report.unconfirmed["fact"]
    return report


def check_catalogue(
    directory: Path,
    *,
    today: dt.date | None = None,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    replaced_file: Path = REPLACED_TEXTS_FILE,
    strict: bool | None = None,
) -> CheckReport:
    """Check every ``*.yml`` of ``directory`` (a file that does not load raises ``CatalogueDataError``).
    ``strict`` unset reads ``DVCBOT_CATALOGUE_STRICT`` (``1``: declared gaps fail too)."""
    if strict is None:
        strict = os.environ.get(STRICT_ENV, "") not in ("", "0")
    files = {path.name: load_catalogue_file(path) for path in sorted(directory.glob("*.yml"))}
    return check_records(
        files,
        today=today,
        max_age_days=max_age_days,
        replaced=load_replaced_texts(replaced_file),
        strict=strict,
    )
