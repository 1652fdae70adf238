"""``dvcbot catalogue import``: counts, idempotence, broken records, curated entries, export round-trip."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine

from bot.cli import main
from bot.service import load_catalogue
from bot.settings import Settings
from knowledge.catalogue import SqlCatalogue
from knowledge.importers.run import ImportReport, import_path
from knowledge.schemas import LegalBasis, ProcedureRecord
from tests.knowledge.conftest import FIRST_IMPORT_DAY, FIXTURE_RECORDS, listed_others

NOTARY = "bo-tu-phap/1.013818.json"


def fresh_catalogue(tmp_path: Path, name: str = "c.db") -> SqlCatalogue:
    return SqlCatalogue(create_engine(f"sqlite:///{tmp_path / name}"))


def test_first_import_takes_every_record(first_import: ImportReport) -> None:
    assert first_import.count("imported") == FIXTURE_RECORDS
    assert first_import.count("skipped") == 0
    unparsed = {o.code: o.problems for o in first_import.outcomes if o.problems}
    assert unparsed["nc_1_004757"] == {
        "fee": "không tách được từ bản ghi",
        "processing_time": "không tách được từ bản ghi",
    }
    assert "nc_1_013818" not in unparsed


def test_reimport_changes_nothing(
    imported_settings: Settings, sample_dir: Path, first_import: ImportReport
) -> None:
    catalogue = load_catalogue(imported_settings)
    before = {r.code: r for r in catalogue.all()}
    later = FIRST_IMPORT_DAY + dt.timedelta(days=1)  # another day: the import date alone is no change
    report = import_path(
        catalogue=catalogue, path=sample_dir, checked_on=later, others=listed_others(imported_settings)
    )
    assert (
        report.count("unchanged") == FIXTURE_RECORDS
        and report.count("imported") == report.count("updated") == 0
    )
    assert {r.code: r for r in catalogue.all()} == before


def test_changed_record_is_updated(tmp_path: Path, sample_dir: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(sample_dir / NOTARY, source / "1.013818.json")
    catalogue = fresh_catalogue(tmp_path)
    assert import_path(catalogue=catalogue, path=source).count("imported") == 1
    page = json.loads((source / "1.013818.json").read_text(encoding="utf-8"))
    page["ten_thu_tuc"] = "Đăng ký tham dự kiểm tra kết quả tập sự công chứng"
    (source / "1.013818.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    report = import_path(catalogue=catalogue, path=source)
    assert [(o.code, o.status) for o in report.outcomes] == [("nc_1_013818", "updated")]
    record = catalogue.get("nc_1_013818")
    assert record is not None and record.name == "Đăng ký tham dự kiểm tra kết quả tập sự công chứng"


def test_broken_records_are_reported_and_skipped(tmp_path: Path, sample_dir: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(sample_dir / NOTARY, source / "1.013818.json")
    (source / "bad.json").write_text('{"ma_thu_tuc": "1.000001", "ten_thu_tuc": ', encoding="utf-8")
    (source / "no_code.json").write_text(json.dumps({"ten_thu_tuc": "Đăng ký khai sinh"}), encoding="utf-8")
    (source / "no_name.json").write_text(json.dumps({"ma_thu_tuc": "1.000002"}), encoding="utf-8")
    (source / "list.json").write_text(json.dumps([42]), encoding="utf-8")
    report = import_path(catalogue=fresh_catalogue(tmp_path), path=source)
    by_origin = {o.origin: o for o in report.outcomes}
    assert by_origin["1.013818.json"].status == "imported"
    for origin, words in [
        ("bad.json", "JSON"),
        ("no_code.json", "ma_thu_tuc"),
        ("no_name.json", "ten_thu_tuc"),
        ("list.json", "đối tượng"),
    ]:
        assert by_origin[origin].status == "skipped" and words in (by_origin[origin].error or ""), origin
    assert report.count("skipped") == 4


def test_curated_entry_wins_over_the_portal(tmp_path: Path, sample_dir: Path) -> None:
    catalogue = fresh_catalogue(tmp_path)
    curated = ProcedureRecord(
        code="notary_exam",
        national_code="1.013818",
        name="Đăng ký kiểm tra tập sự công chứng",
        field="cong_chung",
        checked_on=dt.date(2026, 11, 1),
        legal_basis=[LegalBasis(number="06/2025/TT-BTP", title="Thông tư")],
    )
    catalogue.upsert([curated])
    report = import_path(catalogue=catalogue, path=sample_dir / NOTARY)
    assert [(o.status, o.code) for o in report.outcomes] == [("kept_curated", "nc_1_013818")]
    assert catalogue.get("nc_1_013818") is None


def test_cli_import_prints_the_report_then_export_round_trips(
    tmp_path: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = f"sqlite:///{tmp_path / 'first.db'}", f"sqlite:///{tmp_path / 'second.db'}"
    monkeypatch.setenv("DVCBOT_STORES__CATALOGUE_URL", first)
    monkeypatch.setenv("DVCBOT_STORES__TRACKER_URL", first)
    assert main(["catalogue", "import", str(sample_dir), "--report", str(tmp_path / "report.json")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "imported     nc_1_013818" in printed
    assert any(line.startswith("imported     nc_1_004757 — chưa tách được/thiếu: fee") for line in printed)
    assert json.loads(printed[-1])["imported"] == FIXTURE_RECORDS
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["imported"] == FIXTURE_RECORDS

    exported = tmp_path / "catalogue.yml"
    assert main(["catalogue", "export", str(exported)]) == 0
    assert len(yaml.safe_load(exported.read_text(encoding="utf-8"))["procedures"]) >= FIXTURE_RECORDS + 45
    capsys.readouterr()
    assert main(["catalogue", "import", str(exported)]) == 0  # into the same database: nothing to do
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["imported"] == summary["updated"] == summary["skipped"] == 0

    monkeypatch.setenv("DVCBOT_STORES__CATALOGUE_URL", second)
    assert main(["catalogue", "import", str(exported)]) == 0  # into a fresh one: the same catalogue
    original = SqlCatalogue(create_engine(first)).all()
    copied = SqlCatalogue(create_engine(second)).all()
    assert sorted(copied, key=lambda r: r.code) == sorted(original, key=lambda r: r.code)


def test_missing_path_is_reported(tmp_path: Path) -> None:
    report = import_path(catalogue=fresh_catalogue(tmp_path), path=tmp_path / "nowhere")
    assert [(o.status, o.error) for o in report.outcomes] == [("skipped", "không tìm thấy đường dẫn")]


def test_a_short_form_that_is_another_records_name_is_dropped(tmp_path: Path) -> None:
    # "... tại khu vực biên giới" shortened is the name of the other record, without its "Thủ tục".
    pages = {
        "1.000094": "Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới",
        "2.000806": "Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    for code, name in pages.items():
        page = {"ma_thu_tuc": code, "ten_thu_tuc": name, "linh_vuc": "Hộ tịch", "cap_thuc_hien": "Cấp xã"}
        (folder / f"{code}.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    catalogue = fresh_catalogue(tmp_path)
    import_path(catalogue=catalogue, path=folder)
    border = catalogue.get("nc_1_000094")
    assert border is not None
    assert "đăng ký kết hôn có yếu tố nước ngoài" not in border.aliases
    assert "đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới" in border.aliases


def test_a_listed_name_that_is_another_records_own_stays_with_it(tmp_path: Path) -> None:
    # The list of procedures not held gives "Bổ nhiệm công chứng viên" the alias "cấp thẻ công chứng
    # viên", which is the other record's name without its "Thủ tục".
    pages = {"1.013803": "Bổ nhiệm công chứng viên", "1.013859": "Thủ tục cấp thẻ công chứng viên"}
    folder = tmp_path / "pages"
    folder.mkdir()
    for code, name in pages.items():
        page = {
            "ma_thu_tuc": code,
            "ten_thu_tuc": name,
            "linh_vuc": "Công chứng",
            "cap_thuc_hien": "Cấp tỉnh",
        }
        (folder / f"{code}.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    catalogue = fresh_catalogue(tmp_path)
    listed = [("Bổ nhiệm công chứng viên", ("làm công chứng viên", "cấp thẻ công chứng viên"))]
    import_path(catalogue=catalogue, path=folder, others=listed)
    appointment = catalogue.get("nc_1_013803")
    assert appointment is not None
    assert "làm công chứng viên" in appointment.aliases
    assert "cấp thẻ công chứng viên" not in appointment.aliases
