"""``dvcbot ivr --fastagi PORT`` as an operator runs it: a child process, a call over its socket."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bot.service import Service
from bot.settings import Settings
from tests.telephony.asterisk import FakeAsterisk

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"FastAGI listening on 127\.0\.0\.1:(\d+)")


def test_dvcbot_ivr_serves_fastagi(settings: Settings, service: Service, tmp_path: Path) -> None:
    """``--fastagi 0`` takes a free port and logs it; the call is answered with the welcome and the menu."""
    database = f"sqlite:///{tmp_path / 'ivr.db'}"
    env = {
        **os.environ,
        "DVCBOT_STORES__TRACKER_URL": database,
        "DVCBOT_STORES__CATALOGUE_URL": database,
        "DVCBOT_MODEL__DIR": str(settings.path(settings.model.dir)),  # the session's trained model
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ivr", "--fastagi", "0", "--host", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 180
        assert process.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line or process.poll() is None, "dvcbot ivr exited"
            match = LISTENING.search(line)
            port = int(match.group(1)) if match else None
        assert port is not None

        async def call() -> str:
            line = await FakeAsterisk.call(port, caller="0912345678")
            heard = await line.listen()
            assert heard.waiting[:2] == ["GET", "DATA"]
            await line.reply("200 result=0")
            heard_transfer = await line.listen()
            assert heard_transfer.waiting == ["EXEC", "Queue", "agents"]
            await line.reply("200 result=0")
            assert await line.closed()
            return heard.text

        spoken = asyncio.run(call())
        assert spoken.startswith("Xin chào, đây là tổng đài hỗ trợ thủ tục hành chính")
        assert "bấm phím không" in spoken
    finally:
        process.terminate()
        process.wait(timeout=30)
