"""Import speed of the national-portal sample and search latency of the catalogue.

Prints figures; asserts nothing. Run: ``python bench/catalogue.py [SAMPLE_DIR]`` from the project
root (default: ``../shared/data/national-portal-sample``, else the records shipped in
``tests/knowledge/fixtures/portal``). Goals: import ≥ 200 records/s, search p95 ≤ 10 ms at 3,000
procedures; over records never developed on, 0 crashes and ≥ 95 % of the dossiers in several
groups keeping each group's condition.

1. a fresh SQLite catalogue with the curated YAML, then ``import_path`` on the sample with the
   project's list of procedures it does not hold (as ``dvcbot catalogue import`` does; their names
   become aliases of the records they name), and again (the idempotent re-import), and the
   migration check on an up-to-date database; the crashes (records skipped for an error while
   splitting) and the dossiers in several groups that kept every group's condition;
2. search latency over queries taken from the catalogue itself — names with and without
   diacritics, the first words of a name, aliases, keywords, field names, questions as users type
   them — with the curated and the imported procedures;
   (wall clock and this process's CPU time per search);
3. the same at 3,000 procedures: the imported records replicated under varied names
   ("... tại Hà Giang", "Cấp lại ...") until the catalogue holds 3,000.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.catalogue import SqlCatalogue
    from knowledge.schemas import ProcedureRecord

from measure import ROOT, percentile

sys.path.insert(0, str(ROOT))

DEFAULT_SAMPLE = ROOT.parent / "shared" / "data" / "national-portal-sample"
FIXTURE_SAMPLE = ROOT / "tests" / "knowledge" / "fixtures" / "portal"
TARGET = 3000
PLACES = """Hà Giang Cao Bằng Lào Cai Điện Biên Lai Châu Sơn La Yên Bái Hòa Bình Thái Nguyên
Lạng Sơn Quảng Ninh Bắc Giang Phú Thọ Vĩnh Phúc Bắc Ninh Hải Dương Hải Phòng Hưng Yên Thái Bình Hà Nam
Nam Định Ninh Bình Thanh Hóa Nghệ An Hà Tĩnh Quảng Bình Quảng Trị Huế Đà Nẵng Quảng Nam Quảng Ngãi
Bình Định Phú Yên Khánh Hòa Ninh Thuận Bình Thuận Kon Tum Gia Lai Đắk Lắk Đắk Nông Lâm Đồng Bình Phước
Tây Ninh Bình Dương Đồng Nai Long An Tiền Giang Bến Tre Trà Vinh Vĩnh Long Đồng Tháp An Giang
Kiên Giang Cần Thơ Hậu Giang Sóc Trăng Bạc Liêu Cà Mau"""
PREFIXES = ("Cấp lại", "Gia hạn", "Điều chỉnh", "Hủy bỏ", "Xác nhận", "Đính chính")
QUESTIONS = (
    "cho em hỏi thủ tục {} cần giấy tờ gì ạ",
    "{} lệ phí bao nhiêu",
    "lam {} mat bao lau",
)


def places() -> list[str]:
    words = PLACES.split()
    return [" ".join(words[i : i + 2]) for i in range(0, len(words) - 1, 2)]


def queries(records: list[ProcedureRecord], count: int, rng: random.Random) -> list[str]:
    from nlu.normalize import fold

    out: list[str] = []
    for record in rng.sample(records, min(count, len(records))):
        words = record.name.split()
        start = 1 if fold(words[0]) == "thu" and len(words) > 4 else 0  # "Thủ tục ..."
        short = " ".join(words[start + (1 if start else 0) : start + 6])
        out.extend(
            [record.name, fold(record.name), short, fold(short), rng.choice(QUESTIONS).format(short.lower())]
        )
        out.extend(record.aliases[:1] + record.keywords[:1])
        out.append(record.field.replace("_", " "))
    return out


def latencies(catalogue: SqlCatalogue, texts: list[str]) -> tuple[float, list[float], list[float]]:
    from knowledge.search import search_procedures

    started = time.perf_counter()
    search_procedures(catalogue=catalogue, query="khởi tạo chỉ mục", limit=10)  # builds the index
    build = time.perf_counter() - started
    timings, cpu = [], []
    for text in texts:
        started, cpu_started = time.perf_counter(), time.process_time()
        search_procedures(catalogue=catalogue, query=text, limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return build, timings, cpu


def replicated(records: list[ProcedureRecord], target: int, rng: random.Random) -> list[ProcedureRecord]:
    """Copies of ``records`` under other names and codes until there are ``target`` in all."""
    out: list[ProcedureRecord] = []
    place_names = places()
    copy = 0
    while len(records) + len(out) < target:
        record = records[copy % len(records)]
        copy += 1
        if copy % 2:
            name = f"{record.name} tại {rng.choice(place_names)}"
        else:
            name = f"{rng.choice(PREFIXES)} {record.name[0].lower()}{record.name[1:]}"
        out.append(record.model_copy(update={"code": f"{record.code}_r{copy}", "name": name}))
    return out


def summary(label: str, build: float, timings: list[float], cpu: list[float]) -> dict[str, object]:
    """Wall-clock latencies, and the CPU time of this process per search: on a shared machine the
    wall clock also counts the time other processes held the cores."""
    return {
        "catalogue": label,
        "queries": len(timings),
        "index_build_s": round(build, 3),
        "search_p50_ms": round(statistics.median(timings), 3),
        "search_p95_ms": round(percentile(timings, 0.95), 3),
        "search_max_ms": round(max(timings), 3),
        "search_cpu_p50_ms": round(statistics.median(cpu), 3),
        "search_cpu_p95_ms": round(percentile(cpu, 0.95), 3),
    }


def main() -> None:
    from sqlalchemy import create_engine

    from bot.settings import load_settings
    from knowledge.catalogue import SqlCatalogue
    from knowledge.importers.phrases import listed_names
    from knowledge.importers.run import import_path
    from knowledge.loader import load_catalogue_dir
    from knowledge.migrations import upgrade_schema
    from nlu.other_procedures import load_other_procedures

    sample = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SAMPLE
    if not sample.exists():
        sample = FIXTURE_SAMPLE
    settings = load_settings()
    others = listed_names(load_other_procedures([settings.path(p) for p in settings.other_procedures]))
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.db")
        catalogue = SqlCatalogue(engine)
        catalogue.upsert(load_catalogue_dir(ROOT / "knowledge" / "data"))

        cpu_started = time.process_time()
        report = import_path(catalogue=catalogue, path=sample, others=others)
        import_cpu = time.process_time() - cpu_started
        again = import_path(catalogue=catalogue, path=sample, others=others)
        started = time.perf_counter()
        upgrade_schema(engine)
        migration_check_ms = (time.perf_counter() - started) * 1000
        n = len(report.outcomes)
        counts = report.summary()
        print(
            json.dumps(
                {
                    "import_records": n,
                    "import_seconds": round(report.seconds, 3),
                    "import_records_per_s": round(n / report.seconds, 1),
                    "import_records_per_cpu_s": round(n / max(import_cpu, 1e-9), 1),
                    "imported": report.count("imported"),
                    "with_unparsed_fields": sum(1 for o in report.outcomes if o.problems),
                    "skipped": report.count("skipped"),
                    "crashes": sum(1 for o in report.outcomes if (o.error or "").startswith("lỗi khi tách")),
                    "conditional_dossiers": counts["conditional_dossiers"],
                    "conditions_kept": counts["conditions_kept"],
                    "conditions_kept_pct": round(
                        100 * counts["conditions_kept"] / max(counts["conditional_dossiers"], 1), 1
                    ),
                    "reimport_seconds": round(again.seconds, 3),
                    "reimport_unchanged": again.count("unchanged"),
                    "migration_check_ms": round(migration_check_ms, 2),
                },
                ensure_ascii=False,
            )
        )

        records = catalogue.all()
        texts = queries(records, 150, rng)
        print(
            json.dumps(
                summary(f"scope + imported ({len(records)})", *latencies(catalogue, texts)),
                ensure_ascii=False,
            )
        )

        catalogue.upsert(replicated(records, TARGET, rng))
        records = catalogue.all()
        texts = queries(records, 300, rng)
        print(
            json.dumps(
                summary(f"replicated ({len(records)})", *latencies(catalogue, texts)), ensure_ascii=False
            )
        )


if __name__ == "__main__":
    main()
