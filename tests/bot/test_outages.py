"""Faults: PostgreSQL unreachable (behind a TCP proxy this test cuts) and Redis down (a private
``redis-server`` this test starts and stops). The machine's own servers are never touched.

PostgreSQL down: every turn gets a Vietnamese 503 with ``Retry-After``, nothing half-stored; back
within a second of the database returning. Redis down: turns are refused (503) rather than run
without their conversation's lock, and served again once it is back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bot.api.app import create_app
from bot.service import build_service, make_engine
from bot.settings import Settings
from bot.tracker_store import SqlTrackerStore
from tests.processes import TcpProxy
from tests.servers import ServerThread, free_port, wait_for

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")
OUTAGE_SECONDS = 10


def turn(client: httpx.Client, sender: str, text: str) -> httpx.Response:
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)


def with_stores(settings: Settings, tracker_url: str, **redis: object) -> Settings:
    return settings.model_copy(
        update={
            "stores": settings.stores.model_copy(update={"tracker_url": tracker_url}),
            "redis": settings.redis.model_copy(update=redis),
        }
    )


def whole_turns(url: str, sender: str) -> list[str]:
    """The stored user texts; fails if a turn is stored without its reply and closing action."""
    events = SqlTrackerStore(make_engine(url), []).history(sender)
    kinds = [e["event"] if e["event"] != "action" else e["name"] for e in events]
    starts = [k for k, kind in enumerate(kinds) if kind == "user"]
    for here, after in zip(starts, [*starts[1:], len(kinds)], strict=True):
        assert "bot" in kinds[here:after] and kinds[after - 1] == "action_listen", kinds[here:after]
    return [e["text"] for e in events if e["event"] == "user"]


@pytest.mark.skipif(not POSTGRES, reason="DVCBOT_TEST_POSTGRES_URL not set")
def test_postgres_unreachable_answers_503_and_recovers_within_a_second(settings: Settings) -> None:
    assert POSTGRES
    target = urlsplit(POSTGRES.replace("postgresql+psycopg", "postgresql"))
    proxy = TcpProxy(target.port or 5432, target.hostname or "127.0.0.1")
    through_proxy = POSTGRES.replace(f":{target.port or 5432}/", f":{proxy.port}/")
    service = build_service(with_stores(settings, through_proxy))
    sender = f"pgdown-{uuid.uuid4().hex[:8]}"
    try:
        with (
            ServerThread(create_app(settings, service)) as server,
            httpx.Client(base_url=server.url) as client,
        ):
            assert turn(client, sender, "xin chào").status_code == 200
            proxy.cut()
            down_until = time.monotonic() + OUTAGE_SECONDS
            refused = []
            while time.monotonic() < down_until:
                response = turn(client, sender, f"lệ phí bao nhiêu {len(refused)}")
                refused.append(response)
                time.sleep(0.5)
            assert {r.status_code for r in refused} == {503}
            assert all(
                r.json()["error"].startswith("Dạ, hệ thống") and r.headers["retry-after"] for r in refused
            )
            ready = client.get("/ready")
            assert ready.status_code == 503 and "tracker_store" in ready.json()["down"]
            proxy.restore()
            back = time.monotonic()
            assert wait_for(
                lambda: turn(client, sender, "nộp ở đâu").status_code == 200, timeout=5, interval=0.05
            )
            assert time.monotonic() - back <= 1.0
            assert client.get("/ready").status_code == 200
    finally:
        proxy.close()
    stored = whole_turns(POSTGRES, sender)
    assert stored[0] == "xin chào" and stored[-1] == "nộp ở đâu"
    assert not any(t.startswith("lệ phí bao nhiêu") for t in stored)  # refused turns left nothing behind


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    yield free_port(), tmp_path


def start_redis(port: int, directory: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    assert wait_for(lambda: _pings(client), timeout=10), "private redis-server did not start"
    client.close()
    return process


def _pings(client: object) -> bool:
    import redis

    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except redis.RedisError:
        return False


def test_redis_down_refuses_turns_and_recovers(settings: Settings, private_redis: tuple[int, Path]) -> None:
    port, directory = private_redis
    database = f"sqlite:///{directory / 'redis-down.db'}"
    redis_server = start_redis(port, directory)
    service = build_service(
        with_stores(
            settings,
            database,
            url=f"redis://127.0.0.1:{port}/0",
            socket_timeout_seconds=0.5,
            lock_wait_seconds=2,
        )
    )
    sender = f"redisdown-{uuid.uuid4().hex[:8]}"
    try:
        with (
            ServerThread(create_app(settings, service)) as server,
            httpx.Client(base_url=server.url) as client,
        ):
            assert turn(client, sender, "xin chào").status_code == 200
            redis_server.terminate()
            redis_server.wait(timeout=10)
            refused = [turn(client, sender, f"thủ tục trợ cấp thất nghiệp {i}") for i in range(3)]
            assert {r.status_code for r in refused} == {503}
            assert all(r.json()["error"].startswith("Dạ,") and r.headers["retry-after"] for r in refused)
            assert client.get("/ready").json()["down"] == {"redis": "ConnectionError"}
            redis_server = start_redis(port, directory)  # back, empty: no locks, no counters
            back = time.monotonic()
            assert wait_for(
                lambda: turn(client, sender, "cảm ơn").status_code == 200, timeout=10, interval=0.1
            )
            recovered = time.monotonic() - back
            assert recovered < 5.0
            assert client.get("/ready").status_code == 200
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=10)
    stored = whole_turns(database, sender)
    assert stored == ["xin chào", "cảm ơn"]  # nothing ran while the locks could not be had
