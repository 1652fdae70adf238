"""CPU per turn through the whole service in-process: the ASGI app, its middleware, the REST channel,
the agent, the stores and Redis, one request after another — no HTTP server, no load client, no
other request competing — and the round trips a turn makes to the database and to Redis.

The same six-turn conversations as ``bench/load.py``. A busy machine slows each turn but moves its
CPU time much less than it moves messages per second, so this is the figure to compare two versions
with (and the whole process's CPU, under ``/usr/bin/time`` or ``valgrind --tool=callgrind``).

Run from the project root::

    python bench/turn_cpu.py --conversations 100
    python bench/turn_cpu.py --conversations 100 \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/dvcbot_scale --redis redis://127.0.0.1:6379/1

Where the CPU goes: ``--profile FILE`` writes a profile of the measured turns: with yappi's CPU
clock over every thread when ``FILE`` ends in ``.yappi`` (the turn's worker threads included; read
with ``python -m pstats FILE``), pyinstrument's for ``.html`` or ``.txt`` (the event loop's thread
only), cProfile's otherwise (the same). yappi and pyinstrument are installed by hand: neither is a
dependency of the project. Instructions, which do not
depend on the machine's load at all: run under callgrind with instrumentation off until the
measured turns begin, and this script switches it on for them and off after::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/turns.cg \\
        python bench/turn_cpu.py --conversations 10 --callgrind
    callgrind_annotate /tmp/turns.cg | head     # "PROGRAM TOTALS" ÷ the turns printed = Ir a turn
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from load import SCRIPTS
from measure import ROOT, percentile

sys.path.insert(0, str(ROOT))


class RoundTrips:
    """Counts statements sent to the databases and commands sent to Redis (pipelines count once)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def watch_databases(self) -> None:
        """Every engine of the process (the stores', the read pools', the catalogue's)."""
        from sqlalchemy import Engine, event

        def count(*_: Any) -> None:
            self.counts["database"] += 1

        event.listen(Engine, "before_cursor_execute", count)

    def watch_redis(self) -> None:
        import redis.asyncio.connection
        import redis.connection

        counts = self.counts
        for cls, name in (
            (redis.connection.AbstractConnection, "redis"),
            (redis.asyncio.connection.AbstractConnection, "redis"),
        ):
            original = cls.send_packed_command

            def counted(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
                counts[_name] += 1
                return _original(self, *args, **kwargs)

            cls.send_packed_command = counted  # type: ignore[method-assign]


async def post(app: Any, path: str, payload: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request through the ASGI app, as uvicorn would hand it over."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 5005),
        "state": {},
    }
    sent = False
    status = 0
    received: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            received.update((k.decode().lower(), v.decode()) for k, v in message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, received, b"".join(chunks)


async def drive(app: Any, conversations: int, trips: RoundTrips) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    cpu: list[float] = []
    per_turn: Counter[str] = Counter()
    failures = 0
    for i in range(conversations):
        sender, secret = f"cpu-{run}-{i}", None
        for text in SCRIPTS[i % len(SCRIPTS)]:
            headers = {"X-Dvcbot-Sender-Secret": secret} if secret else {}
            before_counts = Counter(trips.counts)
            started = time.process_time()  # every thread of the process: the turn's worker threads too
            status, received, body = await post(
                app, "/webhooks/rest/webhook", {"sender": sender, "message": text}, headers
            )
            cpu.append(time.process_time() - started)
            per_turn.update(trips.counts - before_counts)
            if status != 200 or not json.loads(body):
                failures += 1
            secret = received.get("x-dvcbot-sender-secret", secret)
    turns = len(cpu)
    return {
        "turns": turns,
        "failures": failures,
        "cpu_ms_per_turn": round(sum(cpu) * 1000 / turns, 3),
        "cpu_ms_p50": round(percentile(cpu, 0.5) * 1000, 3),
        "cpu_ms_p95": round(percentile(cpu, 0.95) * 1000, 3),
        "round_trips_per_turn": {name: round(count / turns, 2) for name, count in sorted(per_turn.items())},
    }


@contextlib.contextmanager
def instrumented(callgrind: bool) -> Iterator[None]:
    """Callgrind's instrumentation on for the block only (this process runs under it: ``--callgrind``)."""
    if not callgrind:
        yield
        return
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)


@contextlib.contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """A profile of the block written to ``path``: pyinstrument for .html/.txt, cProfile otherwise."""
    if path is None:
        yield
        return
    if path.endswith(".yappi"):  # CPU time of every thread (the turns' worker threads too), as pstats
        import yappi

        yappi.set_clock_type("cpu")
        yappi.start(builtins=True)
        try:
            yield
        finally:
            yappi.stop()
            yappi.get_func_stats().save(path, type="pstat")
            yappi.clear_stats()
        return
    if path.endswith((".html", ".txt")):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            Path(path).write_text(
                profiler.output_html() if path.endswith(".html") else profiler.output_text(unicode=True, show_all=False)
            )
        return
    import cProfile

    cprofile = cProfile.Profile()
    cprofile.enable()
    try:
        yield
    finally:
        cprofile.disable()
        cprofile.dump_stats(path)


async def measure(args: argparse.Namespace, database: str) -> dict[str, Any]:
    from bot.api.app import create_app
    from bot.settings import load_settings

    os.environ.update(
        {
            "DVCBOT_STORES__TRACKER_URL": database,
            "DVCBOT_STORES__CATALOGUE_URL": database,
            "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "100000000",
            "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "100000000",
            "DVCBOT_MODEL__DIR": str(ROOT / "models"),
        }
    )
    if args.redis:
        os.environ["DVCBOT_REDIS__URL"] = args.redis
    trips = RoundTrips()
    trips.watch_redis()
    trips.watch_databases()
    app = create_app(load_settings())
    async with app.router.lifespan_context(app):
        await drive(app, min(args.conversations, 8), trips)  # warm: caches, pools, first statements
        with instrumented(args.callgrind), profiled(args.profile):
            return await drive(app, args.conversations, trips)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--database", default=None, help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--redis", default=None, help="DVCBOT_REDIS__URL")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--profile", default=None, help="write a profile of the measured turns here")
    parser.add_argument(
        "--callgrind", action="store_true",
        help="under valgrind --tool=callgrind --instr-atstart=no: instrument the measured turns only",
    )
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    database = args.database or f"sqlite:///{Path(scratch.name) / 'turns.db'}"
    load_before = os.getloadavg()
    figures = asyncio.run(measure(args, database))
    figures["load_average"] = [round(x, 2) for x in (*load_before[:1], *os.getloadavg()[:1])]
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(
            f"{figures['turns']} turns ({args.conversations} conversations × 6), {database.split(':', 1)[0]}"
            f"{' + Redis' if args.redis else ''}: CPU {figures['cpu_ms_per_turn']} ms a turn "
            f"(p50 {figures['cpu_ms_p50']}, p95 {figures['cpu_ms_p95']}); round trips a turn "
            f"{figures['round_trips_per_turn']}; failures {figures['failures']}; "
            f"load average {figures['load_average'][0]} -> {figures['load_average'][1]}"
        )
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
