"""NLU figures: training seconds (project data and a 5,000-example file), parse latency in-process
and over HTTP, resident memory after loading a model.

Prints figures; asserts nothing. Run: ``python bench/nlu.py`` from the project root.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from measure import ROOT, free_port, percentile, rss_mb, start_server, wait_healthy

sys.path.insert(0, str(ROOT))

from nlu.normalize import fold

PREFIXES = ["", "cho em hỏi ", "ad ơi ", "dạ ", "mình muốn hỏi ", "xin hỏi "]
SUFFIXES = ["", " ạ", " vậy", " với", " ad", "?", " nhé"]


def large_file(source: Path, target: Path, size: int = 5000, seed: int = 3) -> int:
    """A Rasa NLU file of ``size`` examples made from the project's own by varying the wording
    around each example (prefixes, particles, diacritics removed); annotations are kept."""
    import yaml

    from nlu.training_data import load_nlu_files

    rng = random.Random(seed)
    examples = load_nlu_files([source]).examples
    by_intent: dict[str, list[str]] = {}
    produced = 0
    while produced < size:
        example = rng.choice(examples)
        text = example.text
        for span in sorted(example.entities, key=lambda s: s.start, reverse=True):
            text = text[: span.start] + f'[{span.text}]{{"entity": "{span.entity}", "value": "{span.value}"}}' + text[span.end :]
        variant = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
        if rng.random() < 0.4:
            variant = fold(variant) if not example.entities else variant
        by_intent.setdefault(example.intent or "inform", []).append(variant)
        produced += 1
    blocks = [{"intent": intent, "examples": "".join(f"- {line}\n" for line in lines)} for intent, lines in by_intent.items()]
    target.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return produced





def main() -> None:
    from bot.service import ABBREVIATIONS_FILE, load_catalogue, question_paths, train_model
    from bot.settings import load_settings
    from knowledge.catalogue import as_catalogue_entry
    from nlu.interpreter import Interpreter
    from nlu.normalize import Abbreviations
    from nlu.other_procedures import load_other_procedures
    from nlu.procedure_questions import load_procedure_questions
    from nlu.training_data import load_nlu_files

    workdir = Path(tempfile.mkdtemp(prefix="dvcbot-nlu-bench-"))
    database = f"sqlite:///{workdir / 'bench.db'}"
    settings = load_settings(stores={"tracker_url": database, "catalogue_url": database},
                             model={"dir": str(workdir / "models")})
    catalogue = load_catalogue(settings)
    abbreviations = Abbreviations.from_file(settings.path(ABBREVIATIONS_FILE))
    entries = [as_catalogue_entry(r) for r in catalogue.all()]

    project = load_nlu_files([settings.path(p) for p in settings.nlu_data])
    others = load_other_procedures([settings.path(p) for p in settings.other_procedures])
    questions = load_procedure_questions(question_paths(settings))
    started = time.perf_counter()
    Interpreter.train(settings.pipeline, project, abbreviations=abbreviations, catalogue=entries,
                      model_fingerprint="b", others=others, questions=questions)
    project_seconds = time.perf_counter() - started

    big = workdir / "nlu-5000.yml"
    count = large_file(settings.path("nlu/data/nlu.yml"), big)
    big_data = load_nlu_files([big])
    started = time.perf_counter()
    Interpreter.train(settings.pipeline, big_data, abbreviations=abbreviations, catalogue=entries, model_fingerprint="b")
    big_seconds = time.perf_counter() - started

    interpreter, _, _ = train_model(settings, catalogue)
    test = [e.text for e in load_nlu_files([settings.path("nlu/data/test.yml")]).examples]
    for text in test:
        interpreter.parse(text)
    in_process = []
    for text in test * 3:
        t0 = time.perf_counter()
        interpreter.parse(text)
        in_process.append((time.perf_counter() - t0) * 1000)

    port = free_port()
    env = {**os.environ, "DVCBOT_STORES__TRACKER_URL": database, "DVCBOT_STORES__CATALOGUE_URL": database,
           "DVCBOT_MODEL__DIR": str(workdir / "models"),
           # one load client on loopback is one address: lift the per-address limit for the measurement
           "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "1000000", "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "1000000"}
    server = start_server(port, env)
    over_http: list[float] = []
    try:
        wait_healthy(port)
        loaded_rss = rss_mb(server.pid)
        for text in test * 2:
            body = json.dumps({"text": text}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/model/parse", body, {"Content-Type": "application/json"})
            t0 = time.perf_counter()
            urllib.request.urlopen(request, timeout=10).read()
            over_http.append((time.perf_counter() - t0) * 1000)
        served_rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"train_seconds_project      {project_seconds:8.2f}   ({len(project.examples)} examples, {len(others)} procedures not held, {len(questions)} procedure questions; goal ≤ 30 s; Rasa DIET 50–56 s)")
    print(f"train_seconds_5000         {big_seconds:8.2f}   ({count} examples)")
    print(f"parse_in_process_p50_ms    {statistics.median(in_process):8.2f}   (goal ≤ 3 ms; Rasa ~20 ms)")
    print(f"parse_in_process_p95_ms    {percentile(in_process, 0.95):8.2f}")
    print(f"parse_http_p50_ms          {statistics.median(over_http):8.2f}   (POST /model/parse on loopback)")
    print(f"parse_http_p95_ms          {percentile(over_http, 0.95):8.2f}")
    print(f"rss_after_load_mb          {loaded_rss:8.1f}   (dvcbot run, model loaded; goal ≤ 300 MB; Rasa 1150 MB)")
    print(f"rss_after_parsing_mb       {served_rss:8.1f}")


if __name__ == "__main__":
    main()
