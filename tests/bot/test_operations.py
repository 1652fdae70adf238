"""``/metrics``, ``/ready`` beside ``/health``, JSON logs with numbers masked, graceful shutdown."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.logs import JsonFormatter, configure_logging
from bot.privacy import MaskingFilter
from bot.service import Service
from bot.settings import Settings
from tests.conftest import say
from tests.processes import ServiceProcess


def test_metrics_count_turns_intents_fallbacks_and_store_latency(client: TestClient) -> None:
    user = f"metrics-{uuid.uuid4().hex[:8]}"
    before = client.get("/metrics").text
    say(client, user, "xin chào")
    say(client, user, "thủ tục cấp giấy phép lao động cần giấy tờ gì")
    say(client, user, "asdkj qwe zxc")  # read as nothing: a clarification or rephrase request
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text

    def value(name: str, source: str) -> float:
        found = [
            float(line.split()[-1])
            for line in source.splitlines()
            if line.startswith((name + " ", name + "{"))
        ]
        return sum(found)

    assert (
        value('dvcbot_messages_total{channel="rest"}', text)
        - value('dvcbot_messages_total{channel="rest"}', before)
        == 3
    )
    assert value('dvcbot_intents_total{intent="greet"}', text) >= 1
    assert value("dvcbot_turn_seconds_count", text) - value("dvcbot_turn_seconds_count", before) == 3
    assert value('dvcbot_store_seconds_count{operation="save"}', text) >= 3
    assert value("dvcbot_lock_wait_seconds_count", text) >= 3
    assert value("dvcbot_fallbacks_total", text) >= 1
    for name in ("dvcbot_declines_total", "dvcbot_handoffs_total", "dvcbot_turn_seconds_bucket"):
        assert name in text


def test_ready_checks_the_stores_health_does_not(client: TestClient) -> None:
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "model_loaded": True}
    assert client.get("/health").json()["status"] == "ok"


def test_ready_is_503_while_the_store_is_down(settings: Settings, service: Service, tmp_path: Path) -> None:
    import dataclasses

    from bot.api.app import create_app
    from bot.service import make_engine

    down = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")  # cannot be opened
    app = create_app(settings, dataclasses.replace(service, tracker_engine=down))
    with TestClient(app) as local:
        ready = local.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["down"] == {"tracker_store": "OperationalError"} and ready.headers["retry-after"]
        assert local.get("/health").status_code == 200  # alive: no restart for a database outage


def test_json_logs_are_one_object_a_line_with_numbers_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("dvcbot.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("turn sender=%s text=%r", "0912345678", "cccd 001203004567")
        try:
            raise ValueError("số 0987654321")
        except ValueError:
            logger.exception("failed for %s", "0987654321")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert [entry["level"] for entry in lines] == ["WARNING", "ERROR"]
    assert lines[0]["message"] == "turn sender=******5678 text='cccd ********4567'"
    assert "0987654321" not in json.dumps(lines) and "******4321" in lines[1]["exception"]
    assert lines[0]["logger"] == "dvcbot.test-json" and lines[0]["time"].endswith("Z")


def test_configure_logging_json_puts_the_masking_formatter_on_the_root() -> None:
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        configure_logging("json")
        (handler,) = root.handlers
        assert isinstance(handler.formatter, JsonFormatter)
        assert any(isinstance(f, MaskingFilter) for f in handler.filters)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def test_sigterm_finishes_the_turns_in_flight(settings: Settings, service: Service, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'shutdown.db'}"
    worker = ServiceProcess(
        {
            "DVCBOT_STORES__TRACKER_URL": database,
            "DVCBOT_STORES__CATALOGUE_URL": database,
            "DVCBOT_MODEL__DIR": settings.model.dir,
            "DVCBOT_LOGGING__FORMAT": "json",
            "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "100000",
            "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "100000",
        },
        tmp_path,
    ).start()

    async def load() -> list[int]:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            turns = [
                asyncio.create_task(
                    client.post(
                        "/webhooks/rest/webhook",
                        json={"sender": f"bye-{i}", "message": "thủ tục hưởng trợ cấp thất nghiệp cần gì"},
                    )
                )
                for i in range(20)
            ]
            await asyncio.sleep(0.3)  # the turns are in flight
            assert worker.process is not None
            worker.process.terminate()  # SIGTERM
            return [(await turn).status_code for turn in turns]

    codes = asyncio.run(load())
    assert worker.process is not None
    # uvicorn re-raises the SIGTERM it handled once it has shut down: -15 is the clean exit here
    assert worker.process.wait(timeout=60) in (0, -signal.SIGTERM)
    assert codes == [200] * 20
    assert "Application shutdown complete" in worker.log()
    logged = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    assert any(entry["logger"] == "dvcbot.agent" for entry in logged)  # JSON logs from dvcbot run


@pytest.mark.parametrize("command", [["db", "upgrade"]])
def test_db_upgrade_applies_the_migrations(command: list[str], tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine, inspect

    from knowledge.migrations import head_revisions
    from tests.processes import ROOT

    database = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {**os.environ, "DVCBOT_STORES__TRACKER_URL": database, "DVCBOT_STORES__CATALOGUE_URL": database}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "at revision " + ", ".join(sorted(head_revisions())) in done.stdout
    assert {"conversation_states", "conversation_events"} <= set(
        inspect(create_engine(database)).get_table_names()
    )
