"""How long the phone line keeps a caller waiting: dvcbot's time per menu step, FastAGI and webhook.

For each step, the time from the caller's answer (the PBX's reply line, or the webhook request) to
the moment dvcbot waits for the caller again (its next GET DATA / GET FULL VARIABLE, or the HTTP
reply); the PBX's own speaking time is not counted. Also 20 calls at once over FastAGI, and the time
``to_speech`` takes on the texts a caller hears. Prints figures; asserts nothing.
Run: ``python bench/telephony.py`` (from the project root).
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from measure import ROOT, percentile

sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import build_service
from bot.settings import load_settings
from bot.warmup import warm_up
from telephony import prompts
from telephony.assembly import agent_ask, build_call_flow
from telephony.fastagi import serve_fastagi
from telephony.settings import FastAgiSettings
from telephony.speech_text import to_speech
from tests.telephony.asterisk import SPEECH_APPLICATION, TTS_APPLICATION, FakeAsterisk

CALLER = "0912345678"
QUESTIONS = [
    "lệ phí cấp giấy phép lao động cho người nước ngoài là bao nhiêu",
    "hồ sơ hưởng trợ cấp thất nghiệp gồm những gì",
    "nộp hồ sơ trợ cấp thất nghiệp ở đâu",
    "gia hạn giấy phép lao động mất bao lâu",
]
ROUNDS = 5


def ms(seconds: list[float]) -> str:
    return (
        f"p50 {statistics.median(seconds) * 1000:.1f} ms, p95 {percentile(seconds, 0.95) * 1000:.1f} ms"
        f" (n={len(seconds)})"
    )


async def timed(line: FakeAsterisk, reply: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    await line.reply(reply)
    heard = await line.listen()
    return time.perf_counter() - started, heard.spoken


async def fastagi_steps(port: int) -> tuple[dict[str, list[float]], list[str]]:
    steps: dict[str, list[float]] = {"menu key": [], "CCCD digits → status read": [], "question → answer": []}
    texts: list[str] = []
    for number in range(ROUNDS):
        for question in QUESTIONS:
            line = await FakeAsterisk.call(port, caller=CALLER, unique_id=f"bench.{number}.{len(texts)}")
            texts += (await line.listen()).spoken
            seconds, spoken = await timed(line, "200 result=1")
            steps["menu key"].append(seconds)
            seconds, spoken = await timed(line, "200 result=4321")
            steps["CCCD digits → status read"].append(seconds)
            texts += spoken
            await timed(line, "200 result=2")
            seconds, spoken = await timed(line, f"200 result=1 ({question})")
            steps["question → answer"].append(seconds)
            texts += spoken
            line.hang_up_socket()
    return steps, texts


async def concurrent_calls(port: int, calls: int) -> float:
    async def one(number: int) -> None:
        line = await FakeAsterisk.call(port, caller=CALLER, unique_id=f"burst.{number}")
        await line.listen()
        await timed(line, "200 result=2")
        await timed(line, f"200 result=1 ({QUESTIONS[number % len(QUESTIONS)]})")
        line.hang_up_socket()

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(calls)))
    return time.perf_counter() - started


def webhook_steps(client: TestClient) -> dict[str, list[float]]:
    steps: dict[str, list[float]] = {
        "call_started": [],
        "dtmf (menu)": [],
        "dtmf (CCCD digits)": [],
        "speech": [],
    }

    def post(step: str, body: dict[str, object]) -> None:
        started = time.perf_counter()
        response = client.post("/api/voice/webhook", json=body)
        steps[step].append(time.perf_counter() - started)
        assert response.status_code == 200, response.text

    for number in range(ROUNDS):
        for index, question in enumerate(QUESTIONS):
            call = f"bench-{number}-{index}"
            post("call_started", {"call_id": call, "event": "call_started", "from": CALLER})
            post("dtmf (menu)", {"call_id": call, "event": "dtmf", "digits": "1"})
            post("dtmf (CCCD digits)", {"call_id": call, "event": "dtmf", "digits": "4321"})
            client.post("/api/voice/webhook", json={"call_id": call, "event": "dtmf", "digits": "2"})
            post("speech", {"call_id": call, "event": "speech", "transcript": question})
            client.post("/api/voice/webhook", json={"call_id": call, "event": "call_ended"})
    return steps


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'bench.db'}"
        settings = load_settings(stores={"tracker_url": database, "catalogue_url": database})
        limits = settings.dossier.limits.model_copy(
            update={"lookups_per_client": 100_000, "lookups_per_conversation": 100_000}
        )
        settings = settings.model_copy(
            update={"dossier": settings.dossier.model_copy(update={"limits": limits})}
        )
        service = build_service(settings)
        warm_up(service)
        flow = build_call_flow(service)
        agi = FastAgiSettings(tts_application=TTS_APPLICATION, speech_application=SPEECH_APPLICATION)

        async def run_fastagi() -> tuple[dict[str, list[float]], list[str], float]:
            server = await serve_fastagi(flow, agi, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            async with server:
                steps, texts = await fastagi_steps(port)
                burst = await concurrent_calls(port, 20)
                await asyncio.sleep(0.2)  # the handlers see the last hang-ups before the server stops
            return steps, texts, burst

        steps, _, burst = asyncio.run(run_fastagi())
        print("FastAGI, dvcbot's time per step (reply line in → next wait for the caller out):")
        for name, values in steps.items():
            print(f"  {name:28s} {ms(values)}")
        print(f"  20 calls at once (menu, question, answer): all done in {burst:.2f} s")
        with TestClient(create_app(settings, service)) as client:
            hooks = webhook_steps(client)
        print("Voice webhook, request → reply (in-process ASGI, SQLite call store):")
        for name, values in hooks.items():
            print(f"  {name:28s} {ms(values)}")
        # to_speech on what the bot writes (its chat replies and the prompts), not on what it already spoke.
        ask = agent_ask(service.agent)
        replies = [" ".join(asyncio.run(ask(f"bench-raw-{i}", q))) for i, q in enumerate(QUESTIONS)]
        prompt_texts = [v for k, v in vars(prompts).items() if k.isupper() and isinstance(v, str)]
        originals = [*replies, *prompt_texts]
        started = time.perf_counter()
        for _ in range(20):
            for text in originals:
                to_speech(text)
        per_text = (time.perf_counter() - started) / (20 * len(originals))
        chars = statistics.mean(len(t) for t in originals)
        print(json.dumps({"to_speech_us_per_text": round(per_text * 1e6, 1), "mean_chars": round(chars)}))


if __name__ == "__main__":
    main()
