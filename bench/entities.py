"""Entities on someone else's data: train on a data set's train split as ``dvcbot train --nlu`` does,
score its test split as ``dvcbot test nlu`` does, print the figures.

    python bench/entities.py PATH [--format rasa|jointidsf|vimq] [--work DIR] [--options FILE] [--set C.OPTION=VALUE]
    python bench/entities.py --phoatis DIR     (= DIR --format jointidsf; --vimq DIR likewise)
    python bench/entities.py --synthetic [--work DIR]
    python bench/entities.py PATH --folds K    (K-fold cross-validation on the train split alone)

PATH is not shipped with dvcbot: public research sets (the PhoATIS flight-booking set of
VinAIResearch/JointIDSF, the ViMQ medical questions) are for research only, so they are read from
where you put them and converted under ``--work`` (default ``/tmp/nlu_bench_data``), never into the
project. Formats:

- ``rasa``: ``PATH/train.yml`` and ``PATH/test.yml`` (Rasa 3 NLU YAML);
- ``jointidsf``: ``PATH/{train,test}/{seq.in,seq.out,label}``, one utterance a line, BIO slot tags
  per word (PhoATIS word-level; ``_`` joins the syllables of a word);
- ``vimq``: ``PATH/{train,test}.json``, ``[{"sentence", "seq_label": [[first, last, type]],
  "sent_label"}]`` with word indices, both ends included.

``--synthetic`` writes a flight-booking set of its own (clauses and value lists written for this
bench, 28 slot types, where the words around a value decide its type: origin or destination,
departure or arrival day; cities in the test split partly never seen in training) and measures on
that. It is far easier than real data: a check of the machinery and of the time and memory bounds,
not a score to quote.

``--folds K`` scores the train split by K-fold cross-validation (stratified by intent, as
``dvcbot test nlu --cross-validation``) and never reads the test split: the way to choose options on a
public set without looking at its test figures.

Prints: intent accuracy, entity micro F1, sentence accuracy, parse p50/p95, training seconds and
the process's peak resident memory. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = Path("/tmp/nlu_bench_data")


# Conversion -----------------------------------------------------------------------------------
def _annotation(entity: str, roles: bool) -> dict[str, str]:
    """``fromloc.city_name`` → ``{"entity": "fromloc.city_name"}``, or with ``roles`` the Rasa role
    it names: ``{"entity": "city_name", "role": "fromloc"}``."""
    role, dot, name = entity.rpartition(".")
    return {"entity": name, "role": role} if roles and dot and role else {"entity": entity}


def _annotate(words: list[str], spans: list[tuple[int, int, str]], roles: bool = False) -> str:
    """Words and (first, last, entity) word spans → one Rasa-annotated line; ``_`` becomes a space."""
    starts = {first: (last, entity) for first, last, entity in spans}
    out: list[str] = []
    i = 0
    while i < len(words):
        if i in starts:
            last, entity = starts[i]
            surface = " ".join(w.replace("_", " ") for w in words[i : last + 1])
            out.append(f"[{surface}]" + json.dumps(_annotation(entity, roles), ensure_ascii=False))
            i = last + 1
        else:
            out.append(words[i].replace("_", " "))
            i += 1
    return " ".join(out)


def _bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """conlleval's reading of BIO tags: a stray ``I-x`` opens an entity too."""
    spans: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None
    for i, tag in enumerate([*tags, "O"]):
        kind, _, entity = tag.partition("-")
        continues = current is not None and kind == "I" and entity == current[1]
        if current is not None and not continues:
            spans.append((current[0], i - 1, current[1]))
            current = None
        if kind in ("B", "I") and not continues:
            current = (i, entity)
    return spans


def _write_rasa(lines: list[tuple[str, str]], target: Path) -> None:
    import yaml

    by_intent: dict[str, list[str]] = {}
    for intent, line in lines:
        by_intent.setdefault(intent, []).append(line)
    blocks = [
        {"intent": intent, "examples": "".join(f"- {line}\n" for line in examples)}
        for intent, examples in by_intent.items()
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def convert_jointidsf(source: Path, work: Path, roles: bool = False) -> tuple[Path, Path]:
    paths = []
    for split in ("train", "test"):
        words = (source / split / "seq.in").read_text(encoding="utf-8").splitlines()
        tags = (source / split / "seq.out").read_text(encoding="utf-8").splitlines()
        intents = (source / split / "label").read_text(encoding="utf-8").splitlines()
        lines = []
        for text, tagged, intent in zip(words, tags, intents, strict=True):
            tokens, bio = text.split(), tagged.split()
            lines.append((intent.strip(), _annotate(tokens, _bio_spans(bio[: len(tokens)]), roles)))
        _write_rasa(lines, work / f"{split}.yml")
        paths.append(work / f"{split}.yml")
    return paths[0], paths[1]


def convert_vimq(source: Path, work: Path) -> tuple[Path, Path]:
    paths = []
    for split in ("train", "test"):
        records = json.loads((source / f"{split}.json").read_text(encoding="utf-8"))
        lines = []
        for record in records:
            tokens = str(record["sentence"]).split()
            spans = sorted((int(a), int(b), str(kind)) for a, b, kind in record.get("seq_label", []))
            kept: list[tuple[int, int, str]] = []
            for span in spans:  # nested or overlapping annotations: the first one wins
                if not kept or span[0] > kept[-1][1]:
                    kept.append(span)
            lines.append((str(record["sent_label"]), _annotate(tokens, kept)))
        _write_rasa(lines, work / f"{split}.yml")
        paths.append(work / f"{split}.yml")
    return paths[0], paths[1]


# A data set of our own --------------------------------------------------------------------------
_CITIES = [
    "hà nội",
    "đà nẵng",
    "huế",
    "cần thơ",
    "hải phòng",
    "nha trang",
    "đà lạt",
    "quy nhơn",
    "vinh",
    "buôn ma thuột",
    "phú quốc",
    "côn đảo",
    "pleiku",
    "thanh hóa",
    "cà mau",
    "điện biên phủ",
    "thành phố hồ chí minh",
    "hạ long",
    "tuy hòa",
    "chu lai",
    "rạch giá",
    "đồng hới",
    "cam ranh",
    "bangkok",
    "singapore",
    "seoul",
    "tokyo",
    "paris",
    "sydney",
    "đài bắc",
    "thượng hải",
    "kuala lumpur",
]
_HELD_OUT_CITIES = ["phan thiết", "sa pa", "vũng tàu", "hội an", "mộc châu", "osaka", "berlin", "melbourne"]
_AIRLINES = ["vietnam airlines", "vietjet", "bamboo airways", "jetstar", "vasco"]
_DAYS = ["thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật"]
_PERIODS = ["buổi sáng", "buổi chiều", "buổi tối", "sáng sớm", "đêm", "buổi trưa"]
_TIMES = ["7 giờ sáng", "9 giờ tối", "6 giờ 45 sáng", "giữa trưa", "11 giờ đêm", "3 giờ chiều"]
_RELATIVE_TIMES = ["trước", "sau", "khoảng"]
_DAY_NUMBERS = ["ngày 14", "ngày mùng 4", "ngày 28", "ngày 30", "ngày 2"]
_MONTHS = ["tháng sáu", "tháng 9", "tháng 12", "tháng một"]
_CLASSES = ["hạng thương gia", "hạng phổ thông", "hạng nhất"]
_AMOUNTS = ["2 triệu đồng", "3 triệu rưỡi", "500 nghìn", "1 triệu 2"]
_MEALS = ["bữa tối", "bữa sáng", "đồ ăn nhẹ"]
_MODS = ["sớm nhất", "muộn nhất", "đầu tiên", "cuối cùng"]
_STATES = ["khánh hòa", "phú yên", "lâm đồng", "california"]
_AIRPORTS = ["nội bài", "tân sơn nhất", "cam ranh", "liên khương"]
# Each clause: words around one slot, whose type the words decide ("khởi hành vào thứ hai" is a
# departure day, "đến nơi vào thứ hai" an arrival day): the same value, another label.
_CLAUSES: list[tuple[str, str, list[str]]] = [
    ("từ {}", "fromloc.city_name", ["city"]),
    ("xuất phát ở {}", "fromloc.city_name", ["city"]),
    ("rời {}", "fromloc.city_name", ["city"]),
    ("đến {}", "toloc.city_name", ["city"]),
    ("đi {}", "toloc.city_name", ["city"]),
    ("hạ cánh ở {}", "toloc.city_name", ["city"]),
    ("dừng ở {}", "stoploc.city_name", ["city"]),
    ("nối chuyến qua {}", "stoploc.city_name", ["city"]),
    ("từ sân bay {}", "fromloc.airport_name", _AIRPORTS),
    ("tới sân bay {}", "toloc.airport_name", _AIRPORTS),
    ("tỉnh {} là điểm đến", "toloc.state_name", _STATES),
    ("của {}", "airline_name", _AIRLINES),
    ("khởi hành vào {}", "depart_date.day_name", _DAYS),
    ("đến nơi vào {}", "arrive_date.day_name", _DAYS),
    ("trở về vào {}", "return_date.day_name", _DAYS),
    ("bay {}", "depart_time.period_of_day", _PERIODS),
    ("đến nơi {}", "arrive_time.period_of_day", _PERIODS),
    ("cất cánh lúc {}", "depart_time.time", _TIMES),
    ("hạ cánh lúc {}", "arrive_time.time", _TIMES),
    ("khởi hành {} trưa", "depart_time.time_relative", _RELATIVE_TIMES),
    ("đến nơi {} nửa đêm", "arrive_time.time_relative", _RELATIVE_TIMES),
    ("vào {}", "depart_date.day_number", _DAY_NUMBERS),
    ("về vào {}", "return_date.day_number", _DAY_NUMBERS),
    ("trong {}", "depart_date.month_name", _MONTHS),
    ("vé {}", "class_type", _CLASSES),
    ("giá dưới {}", "fare_amount", _AMOUNTS),
    ("có phục vụ {}", "meal_description", _MEALS),
    ("chuyến {}", "flight_mod", _MODS),
]
_OPENINGS = {
    "flight": ["tôi muốn bay", "cho tôi xem các chuyến bay", "có chuyến nào", "tìm giúp tôi chuyến bay"],
    "airfare": ["giá vé", "vé máy bay bao nhiêu tiền", "cho tôi biết giá vé"],
    "airline": ["hãng nào bay", "những hãng hàng không có chuyến"],
    "flight_time": ["mấy giờ có chuyến", "giờ bay của chuyến"],
    "ground_service": ["phương tiện đi lại", "từ sân bay vào trung tâm bằng gì"],
}


def _slot(value: str, entity: str) -> str:
    return f"[{value}]" + json.dumps({"entity": entity}, ensure_ascii=False)


def _synthetic_line(rng: random.Random, cities: list[str]) -> tuple[str, str]:
    intent = rng.choice(list(_OPENINGS))
    words = [rng.choice(_OPENINGS[intent])]
    if intent == "ground_service":
        words.append("ở " + _slot(rng.choice(cities), "city_name"))
        return intent, " ".join(words)
    used: set[str] = set()
    for template, entity, values in rng.sample(_CLAUSES, rng.randint(2, 5)):
        if entity in used:
            continue
        used.add(entity)
        value = rng.choice(cities if values == ["city"] else values)
        words.append(template.format(_slot(value, entity)))
    return intent, " ".join(words)


def write_synthetic(
    work: Path, train_size: int = 4478, test_size: int = 893, seed: int = 11
) -> tuple[Path, Path]:
    rng = random.Random(seed)
    train = [_synthetic_line(rng, _CITIES) for _ in range(train_size)]
    test = [_synthetic_line(rng, _CITIES + _HELD_OUT_CITIES * 2) for _ in range(test_size)]
    _write_rasa(train, work / "train.yml")
    _write_rasa(test, work / "test.yml")
    return work / "train.yml", work / "test.yml"


# Measuring --------------------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _with_overrides(pipeline: list[dict[str, Any]], overrides: list[str]) -> list[dict[str, Any]]:
    """``["CRFEntityExtractor.max_iterations=30"]`` → the pipeline with that option set (YAML value)."""
    import yaml

    out = [dict(spec) for spec in pipeline]
    for item in overrides:
        target, _, raw = item.partition("=")
        component, _, key = target.partition(".")
        specs = [spec for spec in out if spec.get("name") == component]
        if not key or not specs:
            raise SystemExit(f"--set {item!r}: no component {component!r} with an option in the pipeline")
        for spec in specs:
            spec[key] = yaml.safe_load(raw)
    return out


def option_file_overrides(path: Path) -> list[str]:
    """A YAML mapping ``{CRFEntityExtractor: {role_model: span}}`` as ``--set`` items."""
    import yaml

    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict) or not all(isinstance(v, dict) for v in loaded.values()):
        raise SystemExit(f"{path}: expected component: {{option: value}} mappings")
    return [
        f"{component}.{key}={yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()}"
        for component, options in loaded.items()
        for key, value in options.items()
    ]


def measure(train_file: Path, test_file: Path, work: Path, overrides: list[str] | None = None) -> None:
    import tempfile

    from bot.service import train_model
    from bot.settings import load_settings
    from nlu.evaluate import evaluate
    from nlu.training_data import load_nlu_files

    scratch = Path(tempfile.mkdtemp(prefix="dvcbot-entities-bench-"))
    database = f"sqlite:///{scratch / 'bench.db'}"
    settings = load_settings(
        stores={"tracker_url": database, "catalogue_url": database}, model={"dir": str(scratch / "models")}
    )
    if overrides:
        settings = settings.model_copy(update={"pipeline": _with_overrides(settings.pipeline, overrides)})
    before_training = _peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    # As `dvcbot train --nlu FILE`: that data alone, no catalogue, no project abbreviations.
    interpreter, _, _ = train_model(
        settings, None, nlu_files=[train_file], out_dir=scratch / "models", force=True
    )
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    after_training = _peak_rss_mb()
    test = load_nlu_files([test_file]).examples
    report, predictions = evaluate(interpreter, test)
    (work / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (work / "predictions.json").write_text(
        json.dumps(predictions, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    entities = report["entities"]
    train_n = len(load_nlu_files([train_file]).examples)
    labels = len(entities["per_entity"])

    def pct(value: float | None) -> str:
        return "   n/a" if value is None else f"{100 * value:6.1f}"

    print(
        f"train examples             {train_n:8d}   test examples {report['n']}, entity types in test {labels}"
    )
    weighting = next(
        (getattr(c, "weighting", None) for c in interpreter.components if c.name == "IntentClassifier"), None
    )
    print(
        f"intent_accuracy            {pct(report['intent']['accuracy'])}   (class weighting chosen: {weighting})"
    )
    print(
        f"entity_micro_f1            {pct(entities['micro_f1'])}   (P {pct(entities['precision'])}, R {pct(entities['recall'])})"
    )
    print(f"sentence_accuracy          {pct(report['sentence_accuracy'])}")
    print(f"parse_p50_ms               {report['latency_ms']['p50']:8.2f}")
    print(
        f"parse_p95_ms               {report['latency_ms']['p95']:8.2f}   (goal ≤ 10 ms; in CPU time "
        f"p50 {report['latency_cpu_ms']['p50']:.2f}, p95 {report['latency_cpu_ms']['p95']:.2f} ms)"
    )
    print(
        f"train_seconds              {train_seconds:8.1f}   (goal ≤ 120 s on 2 cores; CPU {train_cpu:.1f} s, "
        "which is the wall time on an idle core: training uses one)"
    )
    print(
        f"peak_rss_mb                {after_training:8.1f}   (after training; {before_training:.0f} MB before; goal ≤ 600 MB)"
    )
    worst = sorted(entities["per_entity"].items(), key=lambda kv: -kv[1]["support"])[:12]
    for name, v in worst:
        print(
            f"  {name:38s} P {pct(v['precision'])}  R {pct(v['recall'])}  F1 {pct(v['f1-score'])}  n {v['support']}"
        )
    for confusion in entities["confusions"][:8]:
        print(f"  confused: {confusion['entity']} → {confusion['predicted']} ×{confusion['count']}")
    print(f"report: {work / 'report.json'}")


def measure_folds(train_file: Path, work: Path, folds: int, overrides: list[str] | None = None) -> None:
    """K-fold cross-validation on ``train_file`` with the pipeline of ``dvcbot train --nlu``."""
    from bot.service import ABBREVIATIONS_FILE
    from bot.settings import load_settings
    from nlu.evaluate import cross_validate
    from nlu.interpreter import Interpreter
    from nlu.normalize import Abbreviations
    from nlu.training_data import TrainingData, load_nlu_files

    settings = load_settings()
    abbreviations = Abbreviations.from_file(settings.path(ABBREVIATIONS_FILE))
    pipeline = _with_overrides(settings.pipeline, overrides or [])
    data = load_nlu_files([train_file])
    train_seconds: list[float] = []

    def train(part: list[Any]) -> Interpreter:
        started = time.process_time()
        fold_data = TrainingData(part, data.synonyms, data.regexes, data.lookups)
        interpreter = Interpreter.train(
            pipeline, fold_data, abbreviations=abbreviations, catalogue=[], model_fingerprint="folds",
            project_data=False,
        )
        train_seconds.append(time.process_time() - started)
        return interpreter

    report, predictions = cross_validate(data.examples, train, folds)
    (work / "folds_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (work / "folds_predictions.json").write_text(
        json.dumps(predictions, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    entities = report["entities"]
    print(f"{folds}-fold cross-validation on {len(data.examples)} examples of {train_file}")
    print(f"intent_accuracy            {100 * report['intent']['accuracy']:6.1f}")
    print(f"entity_micro_f1            {100 * entities['micro_f1']:6.1f}")
    print(f"sentence_accuracy          {100 * report['sentence_accuracy']:6.1f}")
    print(f"train_cpu_seconds_per_fold {sum(train_seconds) / len(train_seconds):6.1f}")
    print(f"peak_rss_mb                {_peak_rss_mb():6.1f}")
    for confusion in entities["confusions"][:8]:
        print(f"  confused: {confusion['entity']} → {confusion['predicted']} ×{confusion['count']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="a data set directory (not shipped)")
    parser.add_argument("--format", choices=["rasa", "jointidsf", "vimq"], default=None)
    parser.add_argument(
        "--phoatis", type=Path, default=None, metavar="DIR", help="same as DIR --format jointidsf"
    )
    parser.add_argument("--vimq", type=Path, default=None, metavar="DIR", help="same as DIR --format vimq")
    parser.add_argument(
        "--synthetic", action="store_true", help="measure on a flight set written by this bench"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help=f"where converted files go (default {WORK}/NAME)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="COMPONENT.OPTION=VALUE",
        help="change one pipeline option for this run, e.g. CRFEntityExtractor.max_iterations=30",
    )
    parser.add_argument(
        "--options",
        type=Path,
        default=None,
        metavar="FILE",
        help="pipeline options from a YAML file (component: {option: value}), e.g. bench/many_slots.yml;"
        " --set applies after it",
    )
    parser.add_argument(
        "--roles",
        action="store_true",
        help="read slot names role.entity (fromloc.city_name) as Rasa entity roles (jointidsf format)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="K-fold cross-validation on the train split only (the test split is not read)",
    )
    args = parser.parse_args()
    if args.options is not None:
        args.set = option_file_overrides(args.options) + args.set
    for alias, kind in ((args.phoatis, "jointidsf"), (args.vimq, "vimq")):
        if alias is not None:
            args.path, args.format = alias, kind
    if args.synthetic:
        work = args.work or WORK / "synthetic-flights"
        train_file, test_file = write_synthetic(work)
    elif args.path is None:
        parser.error("give a data set PATH or --synthetic")
    else:
        source: Path = args.path
        work = args.work or WORK / source.name
        kind = args.format or _guess_format(source)
        if kind == "rasa":
            train_file, test_file = source / "train.yml", source / "test.yml"
        elif kind == "jointidsf":
            train_file, test_file = convert_jointidsf(source, work, args.roles)
        else:
            train_file, test_file = convert_vimq(source, work)
    work.mkdir(parents=True, exist_ok=True)
    if args.folds:
        if args.folds < 2:
            parser.error("--folds needs K >= 2")
        measure_folds(train_file, work, args.folds, args.set)
        return
    measure(train_file, test_file, work, args.set)


def _guess_format(source: Path) -> str:
    if (source / "train" / "seq.in").exists():
        return "jointidsf"
    if (source / "train.json").exists():
        return "vimq"
    return "rasa"


if __name__ == "__main__":
    main()
