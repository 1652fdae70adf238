"""Masking of personal numbers: the shapes people type, and every log line and stored text."""

from __future__ import annotations

import logging
import uuid

import pytest

from bot.events import user_uttered
from bot.privacy import MaskingFilter, mask_numbers, redact_event
from bot.service import Service


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sđt0912000003", "sđt******0003"),
        ("CCCD_001203000006", "CCCD_********0006"),
        ("gọi 0912-000-004 nhé", "gọi ******0004 nhé"),
        ("+84-912-000-004", "*******0004"),
        ("so dien thoai:0912000005.", "so dien thoai:******0005."),
        ("cccd 001203004567, sđt 0912 345 678", "cccd ********4567, sđt ******5678"),
        ("0912.345.678", "******5678"),
        # Not personal numbers: kept as typed.
        ("mã 000.00.15.H29-240312-0042", "mã 000.00.15.H29-240312-0042"),
        ("hồ sơ 000.00.15.h09-012345-0042", "hồ sơ 000.00.15.h09-012345-0042"),
        ("ngày 2024-03-12, lúc 10:30", "ngày 2024-03-12, lúc 10:30"),
        ("nghị định 219/2025/NĐ-CP, thủ tục 1.001978", "nghị định 219/2025/NĐ-CP, thủ tục 1.001978"),
        ("4 số cuối là 5678", "4 số cuối là 5678"),
    ],
)
def test_mask_numbers(text: str, expected: str) -> None:
    assert mask_numbers(text) == expected


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, message, args, None)


def test_the_access_log_line_is_masked() -> None:
    line = record('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                  "/webhooks/rest/pending/0912000003?q=001203000006", "1.1", 401)
    assert MaskingFilter().filter(line)
    assert line.getMessage() == '127.0.0.1:5000 - "GET /webhooks/rest/pending/******0003?q=********0006 HTTP/1.1" 401'


def test_a_traceback_is_masked() -> None:
    try:
        raise ValueError("duplicate key sender_id=0912-000-004")
    except ValueError:
        import sys

        line = logging.LogRecord("dvcbot", logging.ERROR, __file__, 1, "failed for %s", ("sđt0912000003",),
                                 sys.exc_info())
    MaskingFilter().filter(line)
    written = logging.Formatter().format(line)
    assert "0912000003" not in written and "0912-000-004" not in written
    assert "failed for sđt******0003" in written and "******0004" in written


def test_every_handler_of_the_root_logger_masks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(MaskingFilter())
    logging.getLogger("dvcbot.test").warning("lookup for CCCD_%s", "001203000006")
    assert caplog.messages == ["lookup for CCCD_********0006"]


def test_stored_metadata_is_masked() -> None:
    event = user_uttered("xin chào", {"entities": []}, metadata={"caller": "0912000003", "ghi chú": ["sđt0912000005"]})
    assert redact_event(event)["metadata"] == {"caller": "******0003", "ghi chú": ["sđt******0005"]}


def test_glued_numbers_never_reach_the_tracker_store(service: Service) -> None:
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    import asyncio

    from bot.messages import UserMessage

    asyncio.run(service.agent.handle(UserMessage(text="sđt0912000003, CCCD_001203000006, 0912-000-004",
                                                 sender_id=sender, metadata={"from": "0912000007"})))
    stored = str(service.agent.store.retrieve(sender).events)
    for number in ("0912000003", "001203000006", "0912-000-004", "0912000007"):
        assert number not in stored
