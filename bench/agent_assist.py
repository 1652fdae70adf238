"""Agent-assist latency in-process, and the console's page load in a real Chromium.

Prints figures; asserts nothing. Run: ``python bench/agent_assist.py`` (from the project root).

- suggestion latency: every utterance of ``nlu/data/test.yml`` through ``Suggester.suggest`` (the
  calibration already fitted), without context and again inside a conversation; p50 / p95 / max
  (goal: p95 ≤ 50 ms);
- the calibration's own check: a map fitted on half the utterances, its expected calibration error
  on the other half, against the raw score's;
- console page load: ``dvcbot run``'s app under uvicorn on a temporary database, a staff account,
  Chromium logs in and loads ``/console`` (navigation to the load event), then types a question and
  waits for the first suggestion on screen (debounce included).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from measure import ROOT, free_port, percentile

sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "mat-khau-bench-2026"


def suggestion_latency(service, settings) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from bot.messages import UserMessage
    from console.assist import Suggester
    from console.calibration import fit, load_or_fit
    from nlu.training_data import load_nlu_files

    suggester = Suggester(
        interpreter=service.interpreter,
        catalogue=service.catalogue,
        trackers=service.agent.store,
        slot_names=service.domain.slot_names,
        min_confidence=settings.console.assist.min_confidence,
    )
    data = settings.path(settings.console.assist.calibration_data)
    started = time.perf_counter()
    suggester.calibrator = load_or_fit(
        suggester,
        model_dir=settings.path(settings.model.dir) / service.interpreter.fingerprint,
        data_file=data,
    )
    calibration_seconds = time.perf_counter() - started
    texts = [example.text for example in load_nlu_files([data]).examples]
    for text in texts[:20]:
        suggester.suggest(text)  # warm caches (fact index, classifier arrays)
    alone: list[float] = []
    unsure = 0
    for text in texts:
        begun = time.perf_counter()
        result = suggester.suggest(text)
        alone.append((time.perf_counter() - begun) * 1000)
        unsure += result.unsure
    caller = "bench-assist-caller"
    asyncio.run(service.agent.handle(UserMessage("hồ sơ gia hạn giấy phép lao động gồm những gì", caller)))
    in_context: list[float] = []
    for text in texts:
        begun = time.perf_counter()
        suggester.suggest(text, caller)
        in_context.append((time.perf_counter() - begun) * 1000)
    _, report = fit(suggester, load_nlu_files([data]).examples)
    return {
        "utterances": len(texts),
        "unsure_share": round(unsure / len(texts), 3),
        "latency_ms_no_context": {
            "p50": round(statistics.median(alone), 2),
            "p95": round(percentile(alone, 0.95), 2),
            "max": round(max(alone), 2),
        },
        "latency_ms_in_a_conversation": {
            "p50": round(statistics.median(in_context), 2),
            "p95": round(percentile(in_context, 0.95), 2),
        },
        "calibration_seconds_first_use_or_cache_read": round(calibration_seconds, 2),
        "calibration_check": report,
    }


def page_load(service, settings, screenshot: Path | None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        return {"skipped": f"{CHROMIUM} missing"}
    import uvicorn
    from playwright.sync_api import sync_playwright

    from bot.api.app import create_app
    from bot.service import make_engine
    from console.staff import Role, StaffStore

    StaffStore(make_engine(settings.stores.tracker_url), settings.console.staff).add(
        "bench", Role.SUPERVISOR, PASSWORD
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, service), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    loads: list[float] = []
    first_suggestion: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(url + "/console/login")
            page.fill("#name", "bench")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(url + "/console")
            for run in range(6):
                begun = time.perf_counter()
                page.goto(url + "/console", wait_until="load")
                loads.append((time.perf_counter() - begun) * 1000)
                begun = time.perf_counter()
                page.fill("#question", f"lệ phí cấp giấy phép lao động bao nhiêu {'ạ' * run}")
                page.wait_for_selector("#suggestions .suggestion")
                first_suggestion.append((time.perf_counter() - begun) * 1000)
            if screenshot is not None:  # the README's picture: a caller's question and its suggestions
                page.set_viewport_size({"width": 1100, "height": 760})
                page.fill("#question", "em nghi viec 5 thang roi moi nop ho so that nghiep co duoc ko")
                page.wait_for_selector("#suggestions .suggestion >> text=Điều kiện")
                page.screenshot(path=str(screenshot))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {
        "console_load_ms": {
            "first": round(loads[0], 1),
            "median_of_rest": round(statistics.median(loads[1:]), 1),
        },
        "typed_to_first_suggestion_ms_median": round(statistics.median(first_suggestion), 1),
        "debounce_ms_included": 250,
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--screenshot", type=Path, default=None, help="also save the console with suggestions (PNG)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from bot.service import build_service
    from bot.settings import load_settings

    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'bench.db'}"
        settings = load_settings(stores={"tracker_url": database, "catalogue_url": database})
        service = build_service(settings)
        figures = {
            "suggestions": suggestion_latency(service, settings),
            "console": page_load(service, settings, args.screenshot),
        }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
