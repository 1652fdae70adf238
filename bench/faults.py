"""Faults: what users get from ``dvcbot run`` while its store or its dossier backend is down or slow.

Each scenario starts ``dvcbot run`` (cached model, as after a deploy), plays conversations over HTTP
(REST channel, one client per user) before, during and after a fault, and prints what users got —
status codes and the kind of reply — and how many acknowledged turns (a 200 with replies) are
missing from the conversation store once the fault is over. A right service loses none. Faults:

- SQLite write-locked by another process (``BEGIN EXCLUSIVE`` held 8 s: down; 1.5 s: slow);
- PostgreSQL behind a TCP proxy in this process that drops every connection and refuses new ones
  (down) or delays every packet by 200 ms (slow) — with ``--postgres URL`` or
  ``DVCBOT_TEST_POSTGRES_URL``, skipped otherwise;
- the dossier backend (``dossier.client.base_url``) on a closed port (down), a local fake server that
  answers after 4 s (slow, the client times out after 3 s) or with garbage (HTML, a broken gzip body,
  JSON of another shape, another dossier's record).

Prints figures; asserts nothing. Run: ``python bench/faults.py [--postgres URL]`` (project root).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from measure import ROOT, free_port, start_server, wait_healthy

sys.path.insert(0, str(ROOT))

CODE = "000.00.15.H29-240312-0042"
CHAT = ["xin chào", "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì", "thế lệ phí bao nhiêu?"]
DOSSIER_CHAT = [f"hồ sơ {CODE} sao rồi", "4 số cuối là 5678", "cảm ơn"]


# --- what users got ---------------------------------------------------------------------------

def reply_kind(response: httpx.Response) -> str:
    if response.status_code != 200:
        body = response.text
        vietnamese = "Dạ," in body
        retry = " + Retry-After" if "retry-after" in response.headers else ""
        return f"HTTP {response.status_code}{retry}" + (" (Vietnamese)" if vietnamese else f" ({body[:40]!r})")
    text = " ".join(r.get("text") or "" for r in response.json())
    if "chưa kết nối được với hệ thống một cửa" in text or "tạm gián đoạn" in text:
        return "200: dossier system unavailable (hotline, 'Thử lại')"
    if "Tình trạng" in text:
        return "200: dossier status shown"
    if "4 số cuối" in text and "chưa khớp" not in text:
        return "200: asked for the 4 digits"
    if "chưa xác minh được" in text:
        return "200: not verified"
    return "200: answer" if text else "200: empty"


@dataclass
class Scenario:
    name: str
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    acknowledged: collections.Counter[str] = field(default_factory=collections.Counter)  # sender → turns
    seconds: list[float] = field(default_factory=list)

    def turn(self, client: httpx.Client, sender: str, text: str) -> None:
        started = time.perf_counter()
        try:
            response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        except httpx.HTTPError as error:
            self.outcomes[f"connection error ({type(error).__name__})"] += 1
            return
        finally:
            self.seconds.append(time.perf_counter() - started)
        self.outcomes[reply_kind(response)] += 1
        if response.status_code == 200 and response.json():
            self.acknowledged[sender] += 1

    def lost(self, url: str) -> int:
        """Acknowledged turns missing from the store (read back once the fault is over)."""
        from bot.service import make_engine
        from bot.tracker_store import SqlTrackerStore

        store = SqlTrackerStore(make_engine(url), [])
        missing = 0
        for sender, turns in self.acknowledged.items():
            stored = sum(1 for e in store.retrieve(sender).events if e.get("event") == "user")
            missing += max(0, turns - stored)
        return missing

    def report(self, url: str) -> None:
        slowest = max(self.seconds) if self.seconds else 0.0
        print(f"{self.name}: {sum(self.outcomes.values())} turns, slowest {slowest:.1f} s, "
              f"acknowledged turns lost: {self.lost(url)}")
        for outcome, count in sorted(self.outcomes.items()):
            print(f"    {count:3d} × {outcome}")


def play(scenario: Scenario, base: str, users: list[str], messages: list[str]) -> None:
    """Each user's conversation, the users at once (one thread and one connection each)."""

    def conversation(sender: str) -> None:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            for text in messages:
                scenario.turn(client, sender, text)

    threads = [threading.Thread(target=conversation, args=(sender,)) for sender in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@contextlib.contextmanager
def running(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = start_server(port, env)
    try:
        if not wait_healthy(port):
            raise RuntimeError("dvcbot run did not become healthy")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- store faults -----------------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_locked(path: Path, seconds: float) -> Iterator[None]:
    """Another process holds SQLite's write lock for ``seconds`` (a backup, a migration, a stuck job)."""
    held = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        held.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    try:
        yield
    finally:
        thread.join()


class TcpProxy:
    """127.0.0.1:port → a database server; ``mode``: "up", "slow" (200 ms a packet) or "down"."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "up"
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result()

    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "down":
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await source.read(65536):
                    if self.mode == "slow":
                        await asyncio.sleep(0.2)
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    def set(self, mode: str) -> None:
        def apply() -> None:
            self.mode = mode
            if mode == "down":
                for writer in list(self._writers):
                    writer.transport.abort()

        self._loop.call_soon_threadsafe(apply)
        time.sleep(0.05)


def store_scenarios(env: dict[str, str], database: Path, postgres: str | None) -> None:
    url = f"sqlite:///{database}"
    sqlite_env = {**env, "DVCBOT_STORES__TRACKER_URL": url, "DVCBOT_STORES__CATALOGUE_URL": url}
    with running(sqlite_env) as base:
        for name, seconds in (("SQLite write-locked 8 s (down)", 8.0), ("SQLite write-locked 1.5 s (slow)", 1.5)):
            scenario = Scenario(name)
            users = [f"fault-{name[:14].replace(' ', '')}-{seconds}-{n}-{time.time_ns()}" for n in range(3)]
            play(scenario, base, users, CHAT[:1])  # before
            with sqlite_locked(database, seconds):
                play(scenario, base, users, CHAT[1:2])  # during
            play(scenario, base, users, CHAT[2:])  # after
            scenario.report(url)
    if not postgres:
        print("PostgreSQL down/slow: skipped (no --postgres URL nor DVCBOT_TEST_POSTGRES_URL)")
        return
    target = httpx.URL(postgres.replace("postgresql+psycopg://", "http://"))
    proxy = TcpProxy(target.host, target.port or 5432)
    proxied = postgres.replace(f"{target.host}:{target.port or 5432}", f"127.0.0.1:{proxy.port}")
    pg_env = {**env, "DVCBOT_STORES__TRACKER_URL": proxied, "DVCBOT_STORES__CATALOGUE_URL": proxied}
    with running(pg_env) as base:
        for name, mode in (("PostgreSQL down (connections dropped, refused)", "down"),
                           ("PostgreSQL slow (200 ms a packet)", "slow")):
            scenario = Scenario(name)
            users = [f"fault-pg-{mode}-{n}-{time.time_ns()}" for n in range(3)]
            play(scenario, base, users, CHAT[:1])
            proxy.set(mode)
            play(scenario, base, users, CHAT[1:2])
            proxy.set("up")
            play(scenario, base, users, CHAT[2:])
            scenario.report(postgres)


# --- dossier backend faults -------------------------------------------------------------------

def record(code: str) -> dict[str, Any]:
    return {"maHoSo": code, "trangThai": "DANG_XU_LY", "tenThuTuc": "Giải quyết hưởng trợ cấp thất nghiệp",
            "ngayTiepNhan": "2024-03-12", "soDienThoai": "0912345678"}


GARBAGE: list[Callable[[], tuple[int, dict[str, str], bytes]]] = [
    lambda: (200, {"Content-Type": "text/html"}, b"<html><body>502 Bad Gateway</body></html>"),
    lambda: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, b"not gzip at all"),
    lambda: (200, {"Content-Type": "application/json"}, json.dumps({"items": [1, 2, 3]}).encode()),
    lambda: (200, {"Content-Type": "application/json"}, json.dumps(record("000.00.15.H29-240312-0043")).encode()),
    lambda: (200, {"Content-Type": "application/json"}, b'{"maHoSo": "' + CODE.encode() + b'", "trangThai": '),
]


def fake_backend(mode: str) -> ThreadingHTTPServer:
    calls = [0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if mode == "slow":
                time.sleep(4)
                status, headers, body = 200, {"Content-Type": "application/json"}, json.dumps(record(CODE)).encode()
            else:
                status, headers, body = GARBAGE[calls[0] % len(GARBAGE)]()
                calls[0] += 1
            with contextlib.suppress(OSError):
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dossier_scenarios(env: dict[str, str], database: Path) -> None:
    url = f"sqlite:///{database}"
    for name, mode in (("dossier backend down (closed port)", "down"), ("dossier backend slow (4 s)", "slow"),
                       ("dossier backend answering garbage", "garbage")):
        backend = fake_backend(mode) if mode != "down" else None
        port = backend.server_address[1] if backend else closed_port()
        dossier_env = {**env, "DVCBOT_STORES__TRACKER_URL": url, "DVCBOT_STORES__CATALOGUE_URL": url,
                       "DVCBOT_DOSSIER__CLIENT__BASE_URL": f"http://127.0.0.1:{port}",
                       "DVCBOT_DOSSIER__CLIENT__API_KEY": "fault-bench-key-0123456789"}
        try:
            with running(dossier_env) as base:
                scenario = Scenario(name)
                users = [f"fault-dossier-{mode}-{n}-{time.time_ns()}" for n in range(3)]
                play(scenario, base, users, DOSSIER_CHAT)
                scenario.report(url)
        finally:
            if backend:
                backend.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("DVCBOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    from bot.service import load_catalogue, train_model
    from bot.settings import load_settings

    workdir = Path(tempfile.mkdtemp(prefix="dvcbot-faults-"))
    database = workdir / "faults.db"
    url = f"sqlite:///{database}"
    settings = load_settings(stores={"tracker_url": url, "catalogue_url": url}, model={"dir": str(workdir / "models")})
    train_model(settings, load_catalogue(settings))  # cached, so every start below loads it
    env = {"DVCBOT_MODEL__DIR": str(workdir / "models"),
           # all users come from 127.0.0.1 here, as many citizens behind one office's NAT
           "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "100000",
           "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "100000",
           "DVCBOT_DOSSIER__LIMITS__LOOKUPS_PER_CLIENT": "100000"}
    if args.postgres:
        # The catalogue the PostgreSQL process will read, loaded while the database is reachable.
        load_catalogue(load_settings(stores={"tracker_url": args.postgres, "catalogue_url": args.postgres}))
    store_scenarios(env, database, args.postgres)
    dossier_scenarios(env, database)


if __name__ == "__main__":
    main()
