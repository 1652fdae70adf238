"""The phone menu over FastAGI: a real server on 127.0.0.1, the test playing Asterisk on the socket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dossier_setup import reference_database_url
from bot.service import Service, make_engine
from bot.settings import Settings
from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from telephony.assembly import agent_ask, flow_options
from telephony.call_flow import CallFlow
from telephony.caller_dossiers import SqlReferenceCallerDossiers
from telephony.fastagi import serve_fastagi
from telephony.settings import FastAgiSettings
from tests.telephony.asterisk import SPEECH_APPLICATION, TTS_APPLICATION, FakeAsterisk

CALLER = "0912345678"  # the demo dossiers' applicant (knowledge.dossier.reference_service.seed)
CCCD_LAST_4 = "4321"


def options(*, speech: bool = False) -> FastAgiSettings:
    return FastAgiSettings(
        tts_application=TTS_APPLICATION,
        speech_application=SPEECH_APPLICATION if speech else "",
        barge_in=True,
    )


def build_flow(
    settings: Settings, service: Service, workdir: Path, limits: LookupLimits | None = None
) -> CallFlow:
    """The real flow on the session's assistant and reference dossiers, with lookup limits of its own
    (a fresh database) so that one test's wrong digits cannot lock another out."""
    assert service.dossier is not None
    limiter_db = make_engine(f"sqlite:///{workdir / 'limits.db'}")
    return CallFlow(
        options=flow_options(service),
        ask=agent_ask(service.agent),
        directory=SqlReferenceCallerDossiers(
            make_engine(reference_database_url(settings, settings.stores.tracker_url))
        ),
        status=service.dossier.deps.client,
        limiter=SqlLookupLimiter(limiter_db, limits or LookupLimits()),
        today=service.dossier.deps.today,
    )


async def start(flow: CallFlow, agi: FastAgiSettings) -> tuple[asyncio.Server, int]:
    server = await serve_fastagi(flow, agi, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture
async def pbx(settings: Settings, service: Service, tmp_path: Path) -> AsyncIterator[int]:
    server, port = await start(build_flow(settings, service, tmp_path), options())
    async with server:
        yield port


@pytest.fixture
async def speech_pbx(settings: Settings, service: Service, tmp_path: Path) -> AsyncIterator[int]:
    server, port = await start(build_flow(settings, service, tmp_path), options(speech=True))
    async with server:
        yield port


async def test_the_call_as_asterisk_sees_it(pbx: int) -> None:
    """Command by command: answer, the welcome and the menu spoken by the TTS application, the menu
    key read with GET DATA, and the transfer to the agents' queue."""
    line = await FakeAsterisk.call(pbx)
    assert await line.command() == ["ANSWER"]
    await line.reply("200 result=0")
    welcome = await line.command()
    assert welcome[:2] == ["EXEC", "Espeak"]
    assert welcome[2].startswith("Xin chào\\, đây là tổng đài hỗ trợ thủ tục hành chính")  # comma escaped
    assert welcome[2].endswith(",any,vi")
    await line.reply("200 result=0")
    menu = await line.command()
    assert "bấm phím một" in menu[2] and "bấm phím không" in menu[2]
    await line.reply("200 result=0")
    assert await line.command() == ["GET", "DATA", "silence/1", "6000", "1"]
    await line.reply("200 result=0")  # the caller pressed 0
    transfer = await line.command()
    assert transfer[:2] == ["EXEC", "Espeak"] and "chuyển máy tới tổng đài viên" in transfer[2]
    await line.reply("200 result=0")
    assert await line.command() == ["SET", "VARIABLE", "DVCBOT_TRANSFER", "agents"]
    await line.reply("200 result=1")
    assert await line.command() == ["EXEC", "Queue", "agents"]
    await line.reply("200 result=0")
    assert await line.closed()


async def test_dossier_found_and_verified(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, caller=CALLER)
    heard = await line.listen()
    assert heard.waiting[:2] == ["GET", "DATA"]
    await line.reply("200 result=1")
    heard = await line.listen()
    assert "bốn số cuối của số căn cước công dân" in heard.text
    assert heard.waiting == ["GET", "DATA", "silence/1", "10000", "4"]
    await line.reply(f"200 result={CCCD_LAST_4}")
    heard = await line.listen()
    # The newest dossier first, its code read piece by piece, its status and what to do.
    assert "Số điện thoại này có bảy hồ sơ đã xác minh" in heard.text
    assert (
        "Hồ sơ mã không không không, chấm, không không, chấm, một năm, chấm, hát hai chín, gạch, "
        "hai năm không ba không một, gạch, không không không một"
    ) in heard.text
    assert "tình trạng Mới tiếp nhận" in heard.text
    assert "bấm không để gặp tổng đài viên" in heard.text.lower()
    assert heard.waiting[:2] == ["GET", "DATA"]
    await line.reply("200 result= (timeout)")
    await line.listen()
    line.hang_up_socket()


async def test_wrong_digits_are_asked_again_then_the_menu(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, caller=CALLER)
    await line.listen()
    await line.reply("200 result=1")
    await line.listen()
    await line.reply("200 result=9999")
    heard = await line.listen()
    assert "chưa khớp" in heard.text and "Hồ sơ mã" not in heard.text
    assert heard.waiting == ["GET", "DATA", "silence/1", "10000", "4"]
    await line.reply("200 result=1111")
    await line.listen()
    await line.reply("200 result=2222")
    heard = await line.listen()
    assert "vẫn chưa khớp" in heard.text and "bấm không để gặp tổng đài viên" in heard.text.lower()
    assert heard.waiting == ["GET", "DATA", "silence/1", "6000", "1"]  # back at the menu
    await line.reply("200 result=0")
    heard = await line.listen()
    assert heard.waiting == ["EXEC", "Queue", "agents"]
    await line.reply("200 result=0")
    assert await line.closed()


async def test_an_unknown_number_hears_the_same_as_wrong_digits(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, caller="0987000111")
    await line.listen()
    await line.reply("200 result=1")
    await line.listen()
    await line.reply(f"200 result={CCCD_LAST_4}")
    heard = await line.listen()
    assert heard.spoken[0].startswith("Thông tin chưa khớp với hồ sơ nào")
    line.hang_up_socket()


async def test_withheld_number_cannot_look_up(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, caller="unknown")
    await line.listen()
    await line.reply("200 result=1")
    heard = await line.listen()
    assert "không nhận được số điện thoại" in heard.text
    assert heard.waiting[:2] == ["GET", "DATA"]
    line.hang_up_socket()


async def test_short_digits_and_silence_when_verifying(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, caller=CALLER)
    await line.listen()
    await line.reply("200 result=1")
    await line.listen()
    await line.reply("200 result=43 (timeout)")
    heard = await line.listen()
    assert heard.spoken[0] == "Xin anh chị nhập đủ bốn chữ số."
    await line.reply("200 result= (timeout)")
    heard = await line.listen()
    assert heard.spoken[0] == "Em chưa nhận được số nào."
    await line.reply("200 result=*")  # the star: back to the menu
    heard = await line.listen()
    assert heard.waiting == ["GET", "DATA", "silence/1", "6000", "1"]
    line.hang_up_socket()


async def test_bad_keys_are_retried_then_put_through_to_an_agent(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx)
    await line.listen()
    for _ in range(2):
        await line.reply("200 result=7")
        heard = await line.listen()
        assert heard.spoken[0] == "Xin lỗi, phím anh chị vừa bấm không có trong danh sách."
        assert "bấm phím một" in heard.spoken[1]
    await line.reply("200 result=#")
    heard = await line.listen()
    assert "chuyển máy tới tổng đài viên" in heard.text
    assert heard.waiting == ["EXEC", "Queue", "agents"]


async def test_silence_is_retried_then_the_call_ends_politely(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx)
    heard = await line.listen()
    for _ in range(2):
        await line.reply("200 result= (timeout)")
        heard = await line.listen()
        assert heard.waiting[:2] == ["GET", "DATA"] and "bấm phím một" in heard.text
    await line.reply("200 result= (timeout)")
    heard = await line.listen()
    assert "hẹn gặp lại" in heard.text
    assert heard.waiting == ["HANGUP"]
    await line.reply("200 result=1")
    assert await line.closed()


async def test_a_key_pressed_during_the_prompt_answers_the_menu(pbx: int) -> None:
    """Barge-in: the TTS application returns the key that interrupted it (its ASCII code)."""
    line = await FakeAsterisk.call(pbx)
    assert await line.command() == ["ANSWER"]
    await line.reply("200 result=0")
    assert (await line.command())[:2] == ["EXEC", "Espeak"]
    await line.reply("200 result=48")  # "0" pressed during the welcome
    heard = await line.listen()
    assert "chuyển máy" in heard.text and heard.waiting == ["EXEC", "Queue", "agents"]


async def test_hang_up_mid_menu_ends_the_call_quietly(pbx: int, caplog: pytest.LogCaptureFixture) -> None:
    """Asterisk's HANGUP notice, then the 511 every later command gets: no error, connection closed."""
    caplog.set_level(logging.INFO, logger="dvcbot.telephony.fastagi")
    line = await FakeAsterisk.call(pbx, caller=CALLER)
    await line.listen()
    await line.reply("200 result=1")
    await line.listen()
    await line.reply("HANGUP")
    await line.reply("200 result=-1")
    assert await line.closed()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("hung up at verify" in r.getMessage() for r in caplog.records)
    assert not any(CALLER in r.getMessage() for r in caplog.records)  # the number is masked


async def test_dead_channel_reply_and_closed_socket(pbx: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="dvcbot.telephony.fastagi")
    line = await FakeAsterisk.call(pbx)
    await line.listen()
    await line.reply("200 result=2")  # no speech on this line: told so, then the menu
    heard = await line.listen()
    assert "chưa nhận câu hỏi bằng giọng nói" in heard.text
    await line.reply("511 Command Not Permitted on a dead channel or intercept routine")
    assert await line.closed()
    second = await FakeAsterisk.call(pbx, unique_id="1733050000.43")
    assert await second.command() == ["ANSWER"]
    second.hang_up_socket()  # the PBX drops the socket itself
    await asyncio.sleep(0.2)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    third = await FakeAsterisk.call(pbx, unique_id="1733050000.44")  # the server still serves
    assert await third.command() == ["ANSWER"]
    third.hang_up_socket()


async def test_another_script_is_refused(pbx: int) -> None:
    line = await FakeAsterisk.call(pbx, script="something-else")
    assert await line.closed()


async def test_a_spoken_question_is_answered_by_the_bot(speech_pbx: int) -> None:
    line = await FakeAsterisk.call(speech_pbx)
    await line.listen()
    await line.reply("200 result=2")
    heard = await line.listen()
    assert "Mời anh chị nói câu hỏi" in heard.text
    speech_app = line.commands[-2]
    assert speech_app == ["EXEC", SPEECH_APPLICATION, "beep,10"]
    assert heard.waiting == ["GET", "FULL", "VARIABLE", "${SPEECH_TEXT(0)}"]
    await line.reply("200 result=1 (lệ phí cấp giấy phép lao động cho người nước ngoài là bao nhiêu)")
    heard = await line.listen()
    answer = heard.text
    assert "giấy phép lao động" in answer.lower()
    assert "đồng" in answer or "lệ phí" in answer.lower()
    assert not any(ch.isdigit() for ch in answer)  # every number spoken as words
    assert "http" not in answer
    assert "Bấm không để gặp tổng đài viên" in answer
    assert heard.waiting == ["GET", "DATA", "silence/1", "6000", "1"]
    line.hang_up_socket()


async def test_silence_instead_of_a_question(speech_pbx: int) -> None:
    line = await FakeAsterisk.call(speech_pbx)
    await line.listen()
    await line.reply("200 result=2")
    await line.listen()
    await line.reply("200 result=0")  # SPEECH_TEXT(0) not set: nothing was heard
    heard = await line.listen()
    assert heard.spoken == ["Em chưa nghe rõ câu hỏi. Mời anh chị nói lại."]
    assert heard.waiting[:3] == ["GET", "FULL", "VARIABLE"]
    line.hang_up_socket()


async def test_locked_out_after_too_many_failures(
    settings: Settings, service: Service, tmp_path: Path
) -> None:
    """The project's lookup limits count failures by caller: past them the menu says so."""
    limits = LookupLimits(failed_per_client=2)
    server, port = await start(build_flow(settings, service, tmp_path, limits), options())
    async with server:
        line = await FakeAsterisk.call(port, caller=CALLER)
        await line.listen()
        await line.reply("200 result=1")
        await line.listen()
        for wrong in ("1111", "2222"):
            await line.reply(f"200 result={wrong}")
            await line.listen()
        line.hang_up_socket()
        again = await FakeAsterisk.call(port, caller=CALLER, unique_id="1733050000.99")
        await again.listen()
        await again.reply("200 result=1")
        await again.listen()
        await again.reply(f"200 result={CCCD_LAST_4}")  # right digits, but locked out for now
        heard = await again.listen()
        assert "nhập sai quá nhiều lần" in heard.text and "Hồ sơ mã" not in heard.text
        again.hang_up_socket()
