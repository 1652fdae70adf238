"""Cold start, training time, parse latency and memory of the conversation core.

Prints figures; asserts nothing. Run: ``python bench/core.py`` (from the project root).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from measure import ROOT, free_port, percentile, rss_mb, start_server

sys.path.insert(0, str(ROOT))

SENTENCES = [
    "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì",
    "lam giay phep lao dong can giay to gi",
    "thế lệ phí bao nhiêu?",
    "hồ sơ 000.00.15.H29-240312-0042 sao rồi",
    "bố tôi là thương binh vừa mất thì gia đình được hưởng gì",
    "cho e hỏi hồ sơ tctn gồm j ạ",
    "xin chào",
    "Tôi vừa nghỉ việc ở công ty cũ sau 3 năm đóng bảo hiểm, giờ muốn nhận trợ cấp thì cần gì?",
]





def cold_start(workdir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launching `dvcbot run` (model cached) to the first answer over HTTP, and the
    server's resident memory after a few conversations."""
    port = free_port()
    started = time.perf_counter()
    process = start_server(port, env)
    try:
        body = json.dumps({"sender": "bench", "message": "xin chào"}).encode()
        while time.perf_counter() - started < 120:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        elapsed = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.05)
        else:
            return float("nan"), float("nan")
        for number, sentence in enumerate(SENTENCES * 5):
            body = json.dumps({"sender": f"bench-{number % 7}", "message": sentence}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
            )
            urllib.request.urlopen(request, timeout=10).read()
        return elapsed, rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    from bot.service import load_catalogue, train_model
    from bot.settings import load_settings

    workdir = Path(tempfile.mkdtemp(prefix="dvcbot-bench-"))
    database = f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "DVCBOT_STORES__TRACKER_URL": database, "DVCBOT_STORES__CATALOGUE_URL": database,
           "DVCBOT_MODEL__DIR": str(workdir / "models"),
           # one load client on loopback is one address: lift the per-address limit for the measurement
           "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "1000000", "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "1000000"}
    settings = load_settings(stores={"tracker_url": database, "catalogue_url": database},
                             model={"dir": str(workdir / "models")})
    catalogue = load_catalogue(settings)

    started = time.perf_counter()
    interpreter, _, _ = train_model(settings, catalogue, force=True)
    training = time.perf_counter() - started

    for sentence in SENTENCES:  # warm caches once, as a running service would be
        interpreter.parse(sentence)
    timings = []
    for _ in range(50):
        for sentence in SENTENCES:
            t0 = time.perf_counter()
            interpreter.parse(sentence)
            timings.append((time.perf_counter() - t0) * 1000)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    seconds, server_rss = cold_start(workdir, env)
    print(f"training_seconds      {training:8.2f}   (Rasa 3.6 DIET+TED here: ~56 s)")
    print(f"cold_start_seconds    {seconds:8.2f}   (dvcbot run with a cached model → first REST answer; Rasa: 35–41 s)")
    print(f"parse_p50_ms          {statistics.median(timings):8.2f}   (Rasa: ~20 ms)")
    print(f"parse_p95_ms          {percentile(timings, 0.95):8.2f}")
    print(f"server_rss_mb         {server_rss:8.1f}   (dvcbot run after 40 turns; Rasa: ~1150 MB)")
    print(f"train_peak_rss_mb     {peak_rss:8.1f}   (training + parsing in one process)")


if __name__ == "__main__":
    main()
