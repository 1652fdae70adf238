"""Load: N concurrent conversations × 6 Vietnamese turns against ``dvcbot run``'s REST channel.

Starts ``dvcbot run`` (``--workers W``; a fresh SQLite database unless ``--database`` is given; Redis
with ``--redis``), or uses a running one (``--url``, then ``--database`` must name its store). Every
conversation is one client that sends its six turns in order, each after the previous reply, as a
citizen does; all conversations run at once (bounded: one connection each, ``--timeout`` per turn,
at most ``--deadline`` seconds in all). Prints the offered and the achieved messages/s and
p50/p95/p99 of the turn latency, then reads every conversation back from the store and counts turns
that were acknowledged (200 with replies) but are not stored (lost), stored out of order
(reordered) or stored twice (duplicated), and turns stored without the bot's reply after them.

Think time (``--think-seconds T``): a citizen reads a reply and types the next message before
sending it, so each conversation pauses between a reply and its next message, for a time drawn
uniformly from [T/2, 3T/2] (one seeded random stream per conversation, ``--seed``: the same
schedule in every run), and sends its first message at a time drawn from [0, T] (citizens do not
all press Enter in the same millisecond). Without a pause the client is a closed loop: the next
message leaves the moment a reply arrives, so by Little's law the median latency is about
conversations ÷ throughput whatever the service does (500 conversations at 300 msg/s: ~1.7 s).
With one, N conversations offer about N / T messages a second and the latency is the service's
own. The default, T = 1.5 s, is a quick citizen's pause for a short follow-up ("nộp ở đâu ạ")
and makes 500 conversations offer ~330 msg/s, the rate issue 13's goal names (≥ 300 msg/s with
p99 ≤ 250 ms at 500 conversations); most citizens take longer, which offers less. ``--think-seconds
0`` is the closed loop, all conversations starting at once (the earlier measurements).

"Offered" is the rate the conversations would send at, all under way, if every reply came
instantly: conversations ÷ the mean pause. "Achieved" is answered messages a second while every
conversation was under way (from the last conversation's first message to the first one's last:
the run's ramp up and down left out), and over the whole run. A service that keeps up achieves
about conversations ÷ (mean pause + mean latency).

Run from the project root::

    python bench/load.py --conversations 500
    python bench/load.py --conversations 500 --think-seconds 0   # closed loop
    python bench/load.py --conversations 500 --workers 2 \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/dvcbot_scale --redis redis://127.0.0.1:6379/1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from measure import ROOT, cpu_seconds, free_port, percentile, process_tree, wait_healthy

sys.path.insert(0, str(ROOT))

# Six-turn conversations as citizens write them: greeting, a procedure, follow-ups, thanks; with and
# without diacritics, with abbreviations and particles.
SCRIPTS: list[list[str]] = [
    [
        "xin chào",
        "cho em hỏi làm giấy phép lao động cho người nước ngoài cần giấy tờ gì ạ",
        "thế lệ phí bao nhiêu",
        "nộp ở đâu ạ",
        "mất bao lâu thì có kết quả",
        "cảm ơn nhiều",
    ],
    [
        "chao ad",
        "thu tuc huong tro cap that nghiep can gi",
        "bao lau thi duoc giai quyet",
        "nop online duoc khong",
        "muc huong duoc bao nhieu",
        "cam on ad",
    ],
    [
        "chào bạn",
        "em muốn gia hạn gplđ thì làm thế nào",
        "hồ sơ gồm những gì",
        "có mẫu đơn không ạ",
        "căn cứ pháp lý là gì",
        "ok cảm ơn",
    ],
    [
        "alo",
        "thủ tục đăng ký hợp đồng lao động ở nước ngoài cho người đi làm việc",
        "điều kiện là gì ạ",
        "lệ phí thế nào",
        "nộp ở đâu",
        "thanks",
    ],
]


DEFAULT_THINK_SECONDS = 1.5


@dataclass(frozen=True, slots=True)
class Schedule:
    """When one conversation sends: its first message's delay after the start, then the pause
    between each reply and the next message (seconds)."""

    first_delay: float
    pauses: tuple[float, ...]


def schedules(conversations: int, turns: int, think_seconds: float, seed: int) -> list[Schedule]:
    """One seeded schedule per conversation: a first delay in [0, T], pauses in [T/2, 3T/2]."""
    if think_seconds <= 0:
        return [Schedule(0.0, (0.0,) * (turns - 1)) for _ in range(conversations)]
    out = []
    for index in range(conversations):
        draw = random.Random(f"{seed}:{index}")  # per conversation: the same pauses whatever runs first
        first = draw.uniform(0.0, think_seconds)
        out.append(Schedule(first, tuple(draw.uniform(0.5, 1.5) * think_seconds for _ in range(turns - 1))))
    return out


def offered_rate(plans: list[Schedule]) -> float | None:
    """Messages a second the conversations would send, all under way, if every reply came instantly:
    conversations ÷ the mean pause (None: no pause, unbounded)."""
    pauses = [pause for plan in plans for pause in plan.pauses]
    mean = sum(pauses) / len(pauses) if pauses else 0.0
    return len(plans) / mean if mean > 0 else None


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)  # perf_counter() when each reply came
    first_sent: list[float] = field(default_factory=list)  # each conversation's first send
    last_sent: list[float] = field(default_factory=list)  # each conversation's last send (all answered)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)  # sender → texts answered 200
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Connection:
    """One keep-alive HTTP/1.1 connection, as a citizen's browser holds one: a few lines over asyncio
    streams rather than a full client, so that the load generator, sharing the machine's two cores
    with the service, spends a fraction of a millisecond per request (httpx spent more CPU per turn
    than the service did, and so measured itself)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(
        self, path: str, payload: dict[str, object], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = json.dumps(payload, ensure_ascii=False).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        received: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            received[name.strip().lower()] = value.strip()
        if "content-length" in received:
            data = await self.reader.readexactly(int(received["content-length"]))
        else:  # chunked, as some error pages are
            data = b""
            while (size := int((await self.reader.readline()).strip() or b"0", 16)) > 0:
                data += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        if received.get("connection", "").lower() == "close":
            await self.close()
        return status, received, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def conversation(
    host: str, port: int, sender: str, turns: list[str], plan: Schedule, results: Results, timeout: float
) -> None:
    secret: str | None = None
    answered = results.acknowledged.setdefault(sender, [])
    connection = Connection(host, port)
    try:
        for index, text in enumerate(turns):
            pause = plan.first_delay if index == 0 else plan.pauses[index - 1]
            if pause > 0:
                await asyncio.sleep(pause)  # reading the reply and typing; not part of the latency
            headers = {"X-Dvcbot-Sender-Secret": secret} if secret else {}
            started = time.perf_counter()
            if index == 0:
                results.first_sent.append(started)
            try:
                status, received, body = await asyncio.wait_for(
                    connection.post("/webhooks/rest/webhook", {"sender": sender, "message": text}, headers),
                    timeout,
                )
            except (OSError, ConnectionError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
                results.error(type(error).__name__)
                return  # a citizen whose message got no answer stops here; the next turn would lie about order
            answered_at = time.perf_counter()
            results.latencies.append(answered_at - started)
            results.answered_at.append(answered_at)
            if status != 200 or not json.loads(body):
                results.error(f"HTTP {status}")
                return
            secret = received.get("x-dvcbot-sender-secret", secret)
            answered.append(text)
        results.last_sent.append(started)
    finally:
        await connection.close()


async def run_load(
    url: str, senders: list[str], plans: list[Schedule], deadline: float, timeout: float
) -> tuple[Results, float]:
    results = Results()
    address = urllib.parse.urlsplit(url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(
            conversation(host, port, sender, SCRIPTS[i % len(SCRIPTS)], plans[i], results, timeout)
        )
        for i, sender in enumerate(senders)
    ]
    _, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
        results.error("deadline")
    elapsed = time.perf_counter() - started
    return results, elapsed


def steady_rate(results: Results) -> tuple[float, float] | None:
    """Replies a second while every conversation was under way (from the last conversation's first
    message to the first conversation's last), without the ramp up and down of the run's ends; and
    that window's length. None when the window is empty (a closed loop starts everything at once)."""
    if not results.first_sent or len(results.last_sent) != len(results.first_sent):
        return None
    begin, end = max(results.first_sent), min(results.last_sent)
    if end - begin < 0.5:
        return None
    inside = sum(1 for t in results.answered_at if begin <= t <= end)
    return inside / (end - begin), end - begin


def verify(database: str, results: Results) -> dict[str, int]:
    """Read every conversation back: acknowledged turns lost, reordered, duplicated, without reply."""
    from bot.service import make_engine
    from bot.tracker_store import SqlTrackerStore

    store = SqlTrackerStore(make_engine(database), [])
    read = getattr(store, "history", None) or (lambda sender: store.retrieve(sender).events)
    counts = {"lost": 0, "reordered": 0, "duplicated": 0, "without_reply": 0, "session_starts_over_1": 0}
    for sender, sent in results.acknowledged.items():
        events = read(sender)
        users = [str(e.get("text")) for e in events if e.get("event") == "user"]
        # the texts of one script are distinct, so a text names its turn
        counts["lost"] += sum(1 for text in sent if text not in users)
        counts["duplicated"] += sum(users.count(text) - 1 for text in set(users) if users.count(text) > 1)
        first_seen = list(dict.fromkeys(t for t in users if t in sent))
        expected = [t for t in sent if t in first_seen]
        counts["reordered"] += sum(1 for a, b in zip(first_seen, expected, strict=True) if a != b)
        waiting = False  # a user turn not yet followed by a bot message
        for event in events:
            if event.get("event") == "user":
                counts["without_reply"] += int(waiting)
                waiting = True
            elif event.get("event") == "bot":
                waiting = False
        counts["without_reply"] += int(waiting)
        starts = sum(1 for e in events if e.get("event") == "session_started")
        counts["session_starts_over_1"] += max(0, starts - 1)
    return counts


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of ``pid`` and of each of its descendants (the workers)."""
    return {p: cpu_seconds(p) for p in process_tree(pid)}


def database_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to the store's database (same machine)."""
    if not database.startswith("postgresql"):
        return {}
    from sqlalchemy import text

    from bot.service import make_engine

    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            pids = connection.execute(
                text("select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")
            ).scalars().all()
    finally:
        engine.dispose()
    return {int(p): cpu_seconds(int(p)) for p in pids}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings; a process that appeared meanwhile counts whole."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def start_service(
    port: int, workers: int, database: str, redis: str | None, log: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DVCBOT_STORES__TRACKER_URL": database,
        "DVCBOT_STORES__CATALOGUE_URL": database,
        # one load client on one address: the per-address limit would refuse it as one abuser
        "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "100000000",
        "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "100000000",
        "DVCBOT_MODEL__DIR": str(ROOT / "models"),
    }
    if redis:
        env["DVCBOT_REDIS__URL"] = redis
    command = [sys.executable, "-m", "bot.cli", "run", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def wait_every_worker(log: Path, workers: int, timeout: float = 300.0) -> bool:
    """Until each worker has warmed up (``bot.warmup`` logs one line each). ``/health`` answers as
    soon as the first one is ready, and a worker still warming up accepts no connection: a load
    begun then opens every keep-alive connection on the first worker, which serves them all."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if log.read_bytes().count(b"warmed up") >= workers:
            return True
        time.sleep(0.05)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", default=None, help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--redis", default=None, help="DVCBOT_REDIS__URL for the workers")
    parser.add_argument("--url", default=None, help="a running service instead of starting one")
    parser.add_argument(
        "--port", type=int, default=None, help="port for the started service (default: a free one)"
    )
    parser.add_argument(
        "--think-seconds", type=float, default=DEFAULT_THINK_SECONDS,
        help="mean pause between a reply and the next message, drawn from [T/2, 3T/2]; 0: none (closed loop)",
    )
    parser.add_argument("--seed", type=int, default=13, help="seed of the think-time schedule")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one turn may take")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds the whole load may take")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory()
    database = args.database or f"sqlite:///{Path(scratch.name) / 'load.db'}"
    server = None
    url = args.url
    if url is None:
        port = args.port or free_port()
        log = Path(scratch.name) / "service.log"
        server = start_service(port, args.workers, database, args.redis, log)
        if not (wait_healthy(port, timeout=300) and wait_every_worker(log, args.workers)):
            server.terminate()
            print("dvcbot run did not become healthy", file=sys.stderr)
            return 1
        url = f"http://127.0.0.1:{port}"
    run = uuid.uuid4().hex[:8]
    senders = [f"load-{run}-{i}" for i in range(args.conversations)]
    turns = len(SCRIPTS[0])
    plans = schedules(args.conversations, turns, args.think_seconds, args.seed)
    offered = offered_rate(plans)
    server_before = tree_cpu(server.pid) if server is not None else {}
    backends_before = database_backends_cpu(database)
    client_before = time.process_time()
    load_before = os.getloadavg()
    try:
        results, elapsed = asyncio.run(run_load(url, senders, plans, args.deadline, args.timeout))
        client_cpu = time.process_time() - client_before
        server_cpu = cpu_spent(server_before, tree_cpu(server.pid)) if server is not None else None
        backends_cpu = cpu_spent(backends_before, database_backends_cpu(database))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    load = os.getloadavg()
    messages = len(results.latencies)
    steady = steady_rate(results)
    figures = {
        "conversations": args.conversations,
        "workers": args.workers,
        "store": database.split(":", 1)[0],
        "redis": bool(args.redis),
        "think_seconds": args.think_seconds,
        "messages": messages,
        "seconds": round(elapsed, 2),
        "offered_messages_per_second": round(offered, 1) if offered else None,
        "messages_per_second": round(messages / elapsed, 1) if elapsed else 0.0,
        "steady_messages_per_second": round(steady[0], 1) if steady else None,
        "steady_window_seconds": round(steady[1], 2) if steady else None,
        "p50_ms": round(percentile(results.latencies, 0.50) * 1000, 1) if messages else None,
        "p95_ms": round(percentile(results.latencies, 0.95) * 1000, 1) if messages else None,
        "p99_ms": round(percentile(results.latencies, 0.99) * 1000, 1) if messages else None,
        "max_ms": round(max(results.latencies) * 1000, 1) if messages else None,
        "errors": results.errors,
        **verify(database, results),
        # CPU milliseconds per answered message: the service's processes, the PostgreSQL backends of its
        # database, this load client; figures the machine's other work moves less than msg/s
        "server_cpu_ms_per_message": round(server_cpu * 1000 / messages, 2) if server_cpu and messages else None,
        "database_cpu_ms_per_message": round(backends_cpu * 1000 / messages, 2) if backends_cpu and messages else None,
        "client_cpu_ms_per_message": round(client_cpu * 1000 / messages, 2) if messages else None,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load],
    }
    think = f"think {args.think_seconds:g} s (±50 %)" if args.think_seconds > 0 else "no think time (closed loop)"
    print(
        f"{args.conversations} conversations × {turns} turns, {think}, {args.workers} worker(s), "
        f"{figures['store']}{' + Redis' if args.redis else ''}: {messages} messages in {elapsed:.1f} s; "
        f"offered {figures['offered_messages_per_second'] or 'unbounded'} msg/s, achieved "
        f"{figures['messages_per_second']} msg/s over the run"
        + (f", {figures['steady_messages_per_second']} msg/s while all conversations were under way "
           f"({figures['steady_window_seconds']} s)" if steady else "")
        + f"; p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"max {figures['max_ms']} ms"
    )
    print(
        f"  not answered: {results.errors or 0}; lost {figures['lost']}, reordered {figures['reordered']}, "
        f"duplicated {figures['duplicated']}, without reply {figures['without_reply']}, "
        f"extra session starts {figures['session_starts_over_1']}"
    )
    print(
        f"  CPU per message: service {figures['server_cpu_ms_per_message']} ms, PostgreSQL "
        f"{figures['database_cpu_ms_per_message']} ms, load client {figures['client_cpu_ms_per_message']} ms; "
        f"load average {figures['load_average_before']} -> {figures['load_average_after']}"
    )
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
