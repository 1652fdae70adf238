"""Several ``dvcbot run`` workers on the real PostgreSQL and Redis, no sticky routing.

The same user's turns go to alternate workers 0–50 ms apart (each sent before the previous reply
came): every turn is stored once, in the order sent, each with its reply, the procedure named in the
second turn is the context of the follow-ups, and the conversation has one session start. A worker
killed with SIGKILL mid-load: its conversations go on on the other worker, nothing acknowledged is
lost and its locks expire. Without Redis, ``--workers 2`` refuses to start.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bot.service import Service, make_engine
from bot.settings import Settings
from bot.tracker_store import SqlTrackerStore
from console.handoff_store import HandoffStore
from console.staff import StaffStore
from tests.console.conftest import log_in, new_staff
from tests.processes import ROOT, ServiceProcess

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")
REDIS = os.environ.get("DVCBOT_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not (POSTGRES and REDIS), reason="needs DVCBOT_TEST_POSTGRES_URL and _REDIS_URL"
)

TURNS = [
    "chào bạn",
    "cho em hỏi làm giấy phép lao động cho người nước ngoài cần giấy tờ gì ạ",
    "thế lệ phí bao nhiêu",
    "nộp ở đâu ạ",
    "mất bao lâu thì có kết quả",
    "cảm ơn nhiều",
]
FOLLOW_UPS = range(3, 5)  # the turns that rely on the procedure of turn 2
ROUND = 10  # users at once in the busy-hour run


def worker_env(settings: Settings, prefix: str, **extra: str) -> dict[str, str]:
    assert POSTGRES and REDIS
    return {
        "DVCBOT_STORES__TRACKER_URL": POSTGRES,
        "DVCBOT_STORES__CATALOGUE_URL": POSTGRES,
        "DVCBOT_REDIS__URL": REDIS,
        "DVCBOT_REDIS__KEY_PREFIX": prefix,
        "DVCBOT_MODEL__DIR": settings.model.dir,
        "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "100000000",
        "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "100000000",
        **extra,
    }


@pytest.fixture(scope="module")
def workers(
    settings: Settings, service: Service, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServiceProcess]]:
    # ``service`` trained the model into settings.model.dir: the workers find it cached.
    logs = tmp_path_factory.mktemp("workers")
    env = worker_env(
        settings,
        f"test-{uuid.uuid4().hex[:8]}:",
        DVCBOT_REDIS__LOCK_LEASE_SECONDS="5",
        DVCBOT_REDIS__LOCK_WAIT_SECONDS="30",
        # staff on duty around the clock, for the console reply reaching a widget on the other worker
        DVCBOT_CONSOLE__HANDOFF__HOURS__WEEKDAYS="[1, 2, 3, 4, 5, 6, 7]",
        DVCBOT_CONSOLE__HANDOFF__HOURS__OPENS="00:00",
        DVCBOT_CONSOLE__HANDOFF__HOURS__CLOSES="24:00",
    )  # the shared machine is slow at times
    started = [ServiceProcess(env, logs, name=f"w{i}").start() for i in range(2)]
    yield started
    for worker in started:
        worker.stop()


async def send(client: httpx.AsyncClient, url: str, sender: str, text: str) -> httpx.Response:
    return await client.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )


class _Reply:
    """A response read off a raw connection: just what the test looks at."""

    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self._body = body

    def json(self) -> Any:
        return json.loads(self._body)


async def _raw_post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sender: str, text: str, sequence: int | None
) -> _Reply:
    payload: dict[str, Any] = {"sender": sender, "message": text}
    if sequence is not None:
        payload["metadata"] = {"sequence": sequence}
    body = json.dumps(payload, ensure_ascii=False).encode()
    writer.write(  # on the wire now: nothing between the send and the socket reorders it
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return _Reply(status, await reader.readexactly(length))


async def alternating_conversation(urls: list[str], sender: str, *, numbered: bool = True) -> list[_Reply]:
    """Each turn to the other worker, 0–50 ms after the previous one was sent (not answered).

    One open connection per worker and turn, as a user's device keeps them, and each request written
    to its socket when it is sent, so the order on the wire is the order sent (an HTTP client's own
    awaits before the write could reorder two sends a few ms apart). ``numbered``: each message
    states its place (``metadata.sequence`` 1, 2, 3 …), as a client that does not wait for replies
    should.
    """
    ports = [int(url.rsplit(":", 1)[1]) for url in urls]
    connections = [await asyncio.open_connection("127.0.0.1", ports[i % 2]) for i in range(len(TURNS))]
    try:
        pending = []
        for i, text in enumerate(TURNS):
            reader, writer = connections[i]
            sequence = i + 1 if numbered else None
            pending.append(asyncio.create_task(_raw_post(reader, writer, sender, text, sequence)))
            await asyncio.sleep(0)  # the task writes its request before the next is sent
            await asyncio.sleep(random.uniform(0.0, 0.05))
        return list(await asyncio.wait_for(asyncio.gather(*pending), timeout=120))
    finally:
        for _, writer in connections:
            writer.close()


def stored(sender: str) -> list[dict[str, Any]]:
    assert POSTGRES
    return SqlTrackerStore(make_engine(POSTGRES), []).history(sender)


@pytest.mark.parametrize(
    ("at_once", "numbered"),
    [(1, True), (ROUND, True), (ROUND, False)],
    ids=["one user at a time", "ten users at once", "ten users at once, messages not numbered"],
)
def test_alternating_workers_store_every_turn_once_whole_and_one_session(
    workers: list[ServiceProcess], at_once: int, numbered: bool
) -> None:
    """Turns of one user reach alternate workers 0–50 ms apart, each before the previous reply.

    Every turn is answered and stored once, whole (its reply right after it, never another turn's
    events in between), in the order sent, with one session start per conversation, and the
    procedure of turn 2 is the context of the follow-ups. Turns are numbered as each worker receives
    them (bot.coordination.arrival), or by the client's ``metadata.sequence`` when it states one, and
    served in that order.
    """
    senders = [f"alt-{uuid.uuid4().hex[:10]}" for _ in range(30)]

    async def run() -> list[list[_Reply]]:
        results: list[list[_Reply]] = []
        for start in range(0, len(senders), at_once):  # ten users at once: a busy hour, not an overload
            results += await asyncio.gather(
                *(
                    alternating_conversation([w.url for w in workers], s, numbered=numbered)
                    for s in senders[start : start + at_once]
                )
            )
        return results

    results = asyncio.run(run())
    lost = duplicated = session_starts = 0
    reordered: list[str] = []
    for sender, responses in zip(senders, results, strict=True):
        assert all(r.status_code == 200 and r.json() for r in responses), [r.status_code for r in responses]
        events = stored(sender)
        texts = [e["text"] for e in events if e["event"] == "user"]
        lost += sum(1 for t in TURNS if t not in texts)
        duplicated += len(texts) - len(set(texts))
        session_starts += sum(1 for e in events if e["event"] == "session_started")
        if texts != TURNS:
            reordered.append(f"{sender}: {[TURNS.index(t) for t in texts]}")
        # the procedure named in turn 2 answers the follow-ups: no context lost between workers
        for i in FOLLOW_UPS:
            assert (
                "giấy phép lao động" in " ".join(str(m.get("text")) for m in responses[i].json()).lower()
            ), (sender, i, responses[i].json())
        # each turn whole: user, its bot replies and actions, then action_listen, before the next user
        kinds = [e["event"] if e["event"] != "action" else e["name"] for e in events]
        starts = [k for k, kind in enumerate(kinds) if kind == "user"]
        for here, after in zip(starts, [*starts[1:], len(kinds)], strict=True):
            assert "bot" in kinds[here:after] and kinds[after - 1] == "action_listen", kinds[here:after]
    assert (lost, duplicated) == (0, 0)
    assert session_starts == len(senders)
    message = f"{len(reordered)} of {len(senders)} conversations stored out of send order: {reordered}"
    if reordered and not numbered:
        # What no server can know by itself: a busy worker reads a request 14–38 ms after it was
        # sent, longer than the 0–50 ms gaps, so the idle worker numbers a later turn first (seen
        # even one user at a time, 1 of 30). Reported as an expected failure with its count, never
        # hidden; everything else above must hold. Numbered messages (the other cases) must keep order.
        pytest.xfail(message)
    assert not reordered, message


async def _read_events(
    port: int, sender: str, connected: asyncio.Event, wanted: int, timeout: float
) -> list[dict[str, Any]]:
    """The widget's event stream on one worker: the messages it delivers, until ``wanted`` came."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /widget/events?sender={sender} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    got: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while len(got) < wanted:
                line = await reader.readline()
                if not line:
                    break
                text = line.decode("utf-8", "replace")
                if text.startswith(": connected"):
                    connected.set()
                if text.startswith("data: "):
                    got.append(json.loads(text[len("data: ") :]))
    except TimeoutError:
        pass
    finally:
        writer.close()
    return got


def test_a_console_reply_reaches_a_widget_connected_to_the_other_worker(
    workers: list[ServiceProcess], settings: Settings
) -> None:
    """The citizen's widget holds its event stream on one worker; the conversation is handed over,
    taken and answered by staff through the other: the notice and the reply arrive on the stream."""
    streaming, console = workers
    assert POSTGRES
    sender = f"web-{uuid.uuid4().hex}"
    staff = StaffStore(make_engine(POSTGRES), settings.console.staff)
    name = new_staff(staff)

    async def run() -> list[dict[str, Any]]:
        connected = asyncio.Event()
        stream = asyncio.create_task(_read_events(streaming.port, sender, connected, wanted=2, timeout=60))
        await asyncio.wait_for(connected.wait(), 30)
        async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
            asked = await client.post(
                "/widget/messages", json={"sender": sender, "message": "cho tôi gặp cán bộ"}
            )
            assert asked.status_code == 200, asked.text
        handoff = HandoffStore(make_engine(POSTGRES)).open_for(sender)
        assert handoff is not None
        with httpx.Client(base_url=console.url, timeout=60) as client:
            csrf = {"X-CSRF-Token": log_in(client, name)}  # type: ignore[arg-type]
            assert client.post(f"/console/api/handoffs/{handoff.id}/take", headers=csrf).status_code == 200
            reply = client.post(
                f"/console/api/handoffs/{handoff.id}/reply", json={"text": "Em chào anh"}, headers=csrf
            )
            assert reply.status_code == 200, reply.text
        return await stream

    delivered = asyncio.run(run())
    texts = [str(m.get("text")) for m in delivered]
    assert len(texts) == 2, texts
    assert texts[-1] == f"Cán bộ {name}: Em chào anh"
    assert all(m["recipient_id"] == sender for m in delivered)


def test_a_worker_killed_mid_load_loses_nothing_acknowledged(workers: list[ServiceProcess]) -> None:
    """Runs last in this module: it kills one of the two workers."""
    survivor, victim = workers
    senders = [f"kill-{uuid.uuid4().hex[:10]}" for _ in range(20)]
    acknowledged: dict[str, list[str]] = {s: [] for s in senders}

    async def conversation(client: httpx.AsyncClient, sender: str) -> None:
        for i, text in enumerate(TURNS):
            url = victim.url if i % 2 else survivor.url
            for _ in range(4):  # a refused turn is sent again after a moment, as Retry-After says
                try:
                    response = await send(client, url, sender, text)
                except httpx.HTTPError:
                    url = survivor.url  # the balancer takes the dead worker out
                    continue
                if response.status_code == 200 and response.json():
                    acknowledged[sender].append(text)
                    break
                await asyncio.sleep(1.0)

    async def run() -> None:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=1000)) as client:
            load = asyncio.gather(*(conversation(client, s) for s in senders))
            await asyncio.sleep(1.0)
            victim.kill()  # SIGKILL: no shutdown, locks left held in Redis until their lease ends
            await load

    asyncio.run(run())
    missing = 0
    for sender, texts in acknowledged.items():
        stored_texts = [e["text"] for e in stored(sender) if e["event"] == "user"]
        missing += sum(1 for t in texts if t not in stored_texts)
        first_seen = list(dict.fromkeys(stored_texts))
        assert first_seen == [t for t in TURNS if t in first_seen]  # in the order sent
        # at most the turn in flight at the kill twice: stored by the victim, unanswered, resent
        assert len(stored_texts) - len(set(stored_texts)) <= 1, stored_texts
    assert missing == 0
    assert sum(len(t) for t in acknowledged.values()) == len(senders) * len(
        TURNS
    )  # all went on on the survivor
    prefix = survivor.env["DVCBOT_REDIS__KEY_PREFIX"]
    assert REDIS
    client = redis.Redis.from_url(REDIS)
    assert (
        list(client.scan_iter(match=f"{prefix}lock:kill-*")) == []
    )  # the victim's locks expired or were freed
    client.close()


def test_workers_without_redis_refuse_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DVCBOT_REDIS__URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--workers", "2", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "needs Redis" in done.stderr and "DVCBOT_REDIS__URL" in done.stderr
