"""Cold-start burst: 50 concurrent first requests the moment ``dvcbot run`` accepts connections.

Starts ``dvcbot run`` on a free port (model cached beforehand, as after a deploy or a crash), waits
until the port accepts a TCP connection, then at once fires ``--requests`` concurrent requests, each
on its own connection: REST turns from distinct senders, ``/model/parse`` and ``/health``. Prints
the counts of 2xx answers and errors (any other status, a refused or dropped connection) per start.
A right service prints 0 errors on every start. Prints figures; asserts nothing.

Run: ``python bench/cold_start.py [--starts 3] [--requests 50]`` (from the project root).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import httpx
from measure import ROOT, free_port, start_server

sys.path.insert(0, str(ROOT))

MESSAGES = [
    "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì",
    "lam giay phep lao dong can giay to gi",
    "hồ sơ 000.00.15.H29-240312-0042 sao rồi",
    "cho e hỏi hồ sơ tctn gồm j ạ",
    "xin chào",
]


def wait_accepting(port: int, timeout: float = 120.0) -> float | None:
    """Seconds until the port accepts a TCP connection (polled every 5 ms), or ``None``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - started
        time.sleep(0.005)
    return None


async def one(number: int, base: str) -> str:
    """One first request on a fresh connection; returns ``"2xx"`` or what went wrong."""
    kind = number % 5
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
            if kind == 3:
                response = await client.post("/model/parse", json={"text": MESSAGES[number % len(MESSAGES)]})
            elif kind == 4:
                response = await client.get("/health")
            else:
                response = await client.post(
                    "/webhooks/rest/webhook",
                    json={"sender": f"cold-{number}", "message": MESSAGES[number % len(MESSAGES)]},
                )
    except httpx.HTTPError as error:
        return type(error).__name__
    return "2xx" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


async def burst(port: int, requests: int) -> collections.Counter[str]:
    outcomes = await asyncio.gather(*(one(n, f"http://127.0.0.1:{port}") for n in range(requests)))
    return collections.Counter(outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    from bot.service import load_catalogue, train_model
    from bot.settings import load_settings

    workdir = Path(tempfile.mkdtemp(prefix="dvcbot-cold-"))
    database = f"sqlite:///{workdir / 'cold.db'}"
    env = {**os.environ, "DVCBOT_STORES__TRACKER_URL": database, "DVCBOT_STORES__CATALOGUE_URL": database,
           "DVCBOT_MODEL__DIR": str(workdir / "models")}
    settings = load_settings(stores={"tracker_url": database, "catalogue_url": database},
                             model={"dir": str(workdir / "models")})
    train_model(settings, load_catalogue(settings))  # cached, so every start below loads it

    total: collections.Counter[str] = collections.Counter()
    for start in range(1, args.starts + 1):
        port = free_port()
        launched = time.perf_counter()
        process = start_server(port, env)
        try:
            accepting = wait_accepting(port)
            if accepting is None:
                print(f"start {start}: the port never accepted connections")
                continue
            outcomes = asyncio.run(burst(port, args.requests))
            answered = time.perf_counter() - launched
        finally:
            process.terminate()
            process.wait(timeout=20)
        errors = sum(count for outcome, count in outcomes.items() if outcome != "2xx")
        total += outcomes
        detail = ", ".join(f"{outcome} × {count}" for outcome, count in sorted(outcomes.items()) if outcome != "2xx")
        print(
            f"start {start}: port accepting after {accepting:5.2f} s, burst of {args.requests} answered after "
            f"{answered:5.2f} s: 2xx {outcomes['2xx']:3d}, errors {errors:3d}" + (f" ({detail})" if detail else "")
        )
    errors = sum(count for outcome, count in total.items() if outcome != "2xx")
    print(f"total: 2xx {total['2xx']}, errors {errors} over {args.starts} starts × {args.requests} requests")


if __name__ == "__main__":
    main()
