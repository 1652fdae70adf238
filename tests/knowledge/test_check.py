"""``dvcbot catalogue check`` on the shipped catalogue and on catalogues with a planted fault."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.check import check_catalogue, link_kind, load_replaced_texts
from knowledge.loader import load_catalogue_dir
from knowledge.schemas import ProcedureRecord

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "knowledge" / "data"
TODAY = dt.date(2026, 12, 2)

GOOD = """
procedures:
  - code: demo
    national_code: "1.014748"
    name: Thủ tục mẫu
    field: viec_lam
    checked_on: 2026-11-30
    url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46
    legal_basis: [{number: "74/2025/QH15", title: "Luật Việc làm"}]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "demo.yml").write_text(text, encoding="utf-8")
    return tmp_path


def kinds(tmp_path: Path, text: str) -> list[str]:
    return [problem.kind for problem in check_catalogue(write(tmp_path, text), today=TODAY).problems]


def test_the_shipped_catalogue_passes() -> None:
    report = check_catalogue(DATA, today=TODAY)
    assert report.ok, "\n".join(report.lines())
    assert report.entries >= 80
    assert sum(report.unconfirmed.values()) > 0  # counted, not hidden
    # Own 2026 pages; no entry left on the ma_thu_tuc page form, reported dead since 08/2026.
    assert report.links["detail_page"] >= 48
    assert report.links["code_page"] == 0
    # What is still missing is listed and counted, not hidden among the notes.
    assert len(report.missing_code) <= report.entries - 37
    warned = f"WARN {len(report.missing_code)} of {report.entries} entries have no national code"
    assert not report.missing_code or any(line.startswith(warned) for line in report.lines())


def test_a_minimal_good_entry_passes(tmp_path: Path) -> None:
    assert kinds(tmp_path, GOOD) == []


def test_a_planted_repealed_law_fails(tmp_path: Path) -> None:
    planted = GOOD.replace(
        '{number: "74/2025/QH15", title: "Luật Việc làm"}',
        '{number: "74/2014/QH13", title: "Luật Giáo dục nghề nghiệp"}',
    )
    report = check_catalogue(write(tmp_path, planted), today=TODAY)
    assert [p.kind for p in report.problems] == ["replaced_basis"]
    assert "74/2014/QH13" in report.problems[0].line() and "124/2025/QH15" in report.problems[0].line()


def test_the_replaced_tuition_and_employment_decrees_fail(tmp_path: Path) -> None:
    # Tuition (81/2021 -> 238/2025 from 03/09/2025), employment services (23/2021 -> 352/2025) and job-creation
    # loans (61/2015 -> 338/2025 from 01/01/2026) are rows of knowledge/replaced_texts.yml.
    for old, new in (("81/2021/NĐ-CP", "238/2025/NĐ-CP"), ("23/2021/NĐ-CP", "352/2025/NĐ-CP"), ("61/2015/NĐ-CP", "338/2025/NĐ-CP")):
        planted = GOOD.replace('{number: "74/2025/QH15", title: "Luật Việc làm"}', f'{{number: "{old}", title: "Nghị định"}}')
        report = check_catalogue(write(tmp_path, planted), today=TODAY)
        assert [p.kind for p in report.problems] == ["replaced_basis"], old
        assert new in report.problems[0].line()


def test_a_repealed_law_in_a_fact_basis_fails_unless_its_replacement_is_named(tmp_path: Path) -> None:
    fact = """
    facts:
      - aspect: benefit
        asks: [mức hưởng bao nhiêu]
        answer: Theo mức chuẩn.
        basis: {basis}
"""
    old = GOOD + fact.format(basis="Điều 5 Nghị định 20/2021/NĐ-CP")
    assert kinds(tmp_path, old) == ["replaced_basis"]
    both = GOOD + fact.format(basis="Nghị định 335/2026/NĐ-CP (thay Nghị định 20/2021/NĐ-CP)")
    assert kinds(tmp_path, both) == []


def test_a_text_is_replaced_only_after_its_last_day(tmp_path: Path) -> None:
    text = GOOD.replace(
        '"74/2025/QH15", title: "Luật Việc làm"', '"20/2021/NĐ-CP", title: "Nghị định trợ giúp xã hội"'
    )
    directory = write(tmp_path, text.replace("checked_on: 2026-11-30", "checked_on: 2026-06-01"))
    assert check_catalogue(directory, today=dt.date(2026, 6, 30)).ok
    assert not check_catalogue(directory, today=dt.date(2026, 7, 1)).ok


def test_a_longer_number_is_not_mistaken_for_a_replaced_one(tmp_path: Path) -> None:
    # 174/2024 contains "74/2024" (a replaced minimum-wage decree) but is another text.
    text = GOOD.replace('"74/2025/QH15"', '"174/2024/NĐ-CP"')
    assert kinds(tmp_path, text) == []


def test_a_missing_national_code_fails(tmp_path: Path) -> None:
    assert kinds(tmp_path, GOOD.replace('    national_code: "1.014748"\n', "")) == ["no_national_code"]


def test_a_declared_missing_code_is_noted_not_failed(tmp_path: Path) -> None:
    text = GOOD.replace('    national_code: "1.014748"\n', "").replace(
        "    url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46",
        "    url: https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=th%E1%BB%A7%20t%E1%BB%A5c\n"
        "    unconfirmed: {national_code: 'chưa tìm được mã', url: 'tra cứu theo tên'}",
    )
    report = check_catalogue(write(tmp_path, text), today=TODAY, strict=False)
    assert report.ok and len(report.declared_gaps) == 2
    assert report.unconfirmed["national_code"] == 1
    assert report.missing_code == ["demo"] and report.missing_own_link == ["demo"]
    assert any(line.startswith("WARN 1 of 1 entries have no national code: demo") for line in report.lines())
    strict = check_catalogue(write(tmp_path, text), today=TODAY, strict=True)
    assert [p.kind for p in strict.problems] == ["declared_gap", "declared_gap"]


def test_an_entry_that_is_no_portal_procedure_needs_no_code_even_in_strict_mode(tmp_path: Path) -> None:
    text = GOOD.replace('    national_code: "1.014748"\n', "").replace(
        "    url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46",
        "    url: https://tongdai111.vn\n    unconfirmed: {national_code: 'Không phải thủ tục trên Cổng DVCQG'}",
    )
    strict = check_catalogue(write(tmp_path, text), today=TODAY, strict=True)
    assert strict.ok and strict.not_portal == ["demo"] and not strict.missing_code
    assert any(line.startswith("NOTE 1 of 1 entries are no portal procedure") for line in strict.lines())
    # Without the declared reason it is a missing code like any other.
    undeclared = text.replace("\n    unconfirmed: {national_code: 'Không phải thủ tục trên Cổng DVCQG'}", "")
    assert kinds(tmp_path, undeclared) == ["no_national_code"]
    # An off-portal link does not excuse a portal procedure that has a code.
    assert kinds(tmp_path, GOOD.replace(
        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46", "https://tongdai111.vn"
    )) == ["no_own_link"]


def test_the_dead_ma_thu_tuc_page_form_fails_even_with_the_own_code(tmp_path: Path) -> None:
    page = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc="
    text = GOOD.replace(
        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46", page + "1.014748"
    )
    report = check_catalogue(write(tmp_path, text), today=TODAY)
    assert [p.kind for p in report.problems] == ["no_own_link"]
    assert "reported dead" in report.problems[0].line()
    assert report.links["code_page"] == 1 and report.missing_own_link == ["demo"]
    other = text.replace(page + "1.014748", page + "1.001978")  # another procedure's page
    assert kinds(tmp_path, other) == ["no_own_link"]


def test_the_look_up_by_the_own_code_passes_but_is_not_an_own_page(tmp_path: Path) -> None:
    text = GOOD.replace(
        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46",
        "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=1.014748",
    )
    report = check_catalogue(write(tmp_path, text), today=TODAY)
    assert report.ok and report.links["code_lookup"] == 1 and report.missing_own_link == ["demo"]


def test_the_generic_search_page_is_not_an_own_link(tmp_path: Path) -> None:
    text = GOOD.replace(
        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46",
        "https://dichvucong.gov.vn/p/home/dvc-tthc-tim-kiem.html",
    )
    assert kinds(tmp_path, text) == ["no_own_link"]


def test_a_missing_link_fails(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-2b1d-7649-8f76-f5315475eb46\n", ""
    )
    assert kinds(tmp_path, text) == ["no_own_link"]


def test_a_lookup_by_another_code_is_not_the_own_link() -> None:
    record = ProcedureRecord.model_validate(
        {
            "code": "demo",
            "name": "x",
            "field": "viec_lam",
            "checked_on": TODAY,
            "national_code": "1.014748",
            "url": "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=1.001978",
            "legal_basis": [{"number": "1/2025/NĐ-CP", "title": "t"}],
        }
    )
    assert link_kind(record) == "generic"
    assert link_kind(record.model_copy(update={"national_code": "1.001978"})) == "code_lookup"


def test_a_stale_checked_on_fails(tmp_path: Path) -> None:
    stale = GOOD.replace("checked_on: 2026-11-30", "checked_on: 2025-11-30")
    assert kinds(tmp_path, stale) == ["stale"]
    report = check_catalogue(write(tmp_path, stale), today=TODAY, max_age_days=400)
    assert report.ok


def test_a_future_checked_on_fails(tmp_path: Path) -> None:
    assert kinds(tmp_path, GOOD.replace("checked_on: 2026-11-30", "checked_on: 2026-12-24")) == [
        "future_date"
    ]


def test_every_replaced_text_names_its_replacement_and_date() -> None:
    rows = load_replaced_texts()
    assert len(rows) >= 10
    assert all(row.replaced_by and isinstance(row.until, dt.date) for row in rows)


def test_no_shipped_entry_cites_a_replaced_text_as_legal_basis() -> None:
    replaced = {row.number for row in load_replaced_texts() if row.until < TODAY}
    cited = {basis.number for record in load_catalogue_dir(DATA) for basis in record.legal_basis}
    assert not cited & replaced


def test_the_cli_exits_non_zero_with_a_message_per_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD.replace('    national_code: "1.014748"\n', "").replace(
        "checked_on: 2026-11-30", "checked_on: 2024-01-01"
    )
    assert main(["catalogue", "check", "--data", str(write(tmp_path, bad)), "--today", "2026-12-01"]) == 1
    out = capsys.readouterr().out
    assert (
        "FAIL demo.yml demo: no national code" in out and "FAIL demo.yml demo: checked_on 01/01/2024" in out
    )
    assert "unconfirmed fields by kind" in out


def test_the_cli_passes_on_the_shipped_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "check", "--today", "2026-12-02"]) == 0
    assert "curated entries checked: OK" in capsys.readouterr().out


def test_a_link_to_no_entry_fails(tmp_path: Path) -> None:
    linked = GOOD.replace(
        "    checked_on: 2026-11-30\n",
        "    checked_on: 2026-11-30\n    related: [{code: nowhere, aspects: [benefit], why: Không kèm tiền}]\n",
    )
    assert kinds(tmp_path, linked) == ["related"]
