"""The AGI text shapes: the header Asterisk sends and each reply line it writes."""

from __future__ import annotations

import pytest

from telephony.agi_protocol import format_command, is_continuation, parse_reply, parse_request, quote
from telephony.fastagi import app_arguments


def test_the_header_of_a_fastagi_call() -> None:
    request = parse_request(
        [
            "agi_network: yes",
            "agi_network_script: dvcbot",
            "agi_request: agi://10.0.0.5:4573/dvcbot",
            "agi_uniqueid: 1733050000.42",
            "agi_callerid: 0912345678",
            "agi_accountcode: ",
            "agi_arg_2: b",
            "agi_arg_1: a",
        ]
    )
    assert request.script == "dvcbot"
    assert request.caller == "0912345678"
    assert request.unique_id == "1733050000.42"
    assert request.arguments == ["a", "b"]


@pytest.mark.parametrize("callerid", ["unknown", "", "Anonymous", "<unknown>"])
def test_a_withheld_number_is_no_caller(callerid: str) -> None:
    assert parse_request([f"agi_callerid: {callerid}"]).caller is None


def test_a_script_with_a_query_string() -> None:
    assert parse_request(["agi_network_script: dvcbot?lang=vi"]).script == "dvcbot"


@pytest.mark.parametrize(
    ("line", "code", "result", "data", "extras"),
    [
        ("200 result=0", 200, "0", None, {}),
        ("200 result=1234", 200, "1234", None, {}),
        ("200 result=12 (timeout)", 200, "12", "timeout", {}),
        ("200 result= (timeout)", 200, "", "timeout", {}),
        ("200 result=-1", 200, "-1", None, {}),
        ("200 result=0 endpos=8640", 200, "0", None, {"endpos": "8640"}),
        ("200 result=1 (thủ tục cấp giấy phép lao động)", 200, "1", "thủ tục cấp giấy phép lao động", {}),
        ("510 Invalid or unknown command", 510, "", None, {}),
        ("511 Command Not Permitted on a dead channel or intercept routine", 511, "", None, {}),
    ],
)
def test_replies(line: str, code: int, result: str, data: str | None, extras: dict[str, str]) -> None:
    reply = parse_reply(line)
    assert (reply.code, reply.result, reply.data, reply.extras) == (code, result, data, extras)


def test_reply_flags() -> None:
    assert parse_reply("200 result= (timeout)").timed_out
    assert parse_reply("200 result=-1").failed
    assert parse_reply("511 Command Not Permitted on a dead channel").dead_channel
    assert is_continuation("520-Invalid command syntax.  Proper usage follows:")
    assert not is_continuation("520 End of proper usage.")


def test_not_a_reply() -> None:
    with pytest.raises(ValueError):
        parse_reply("HELLO")


def test_commands_quote_their_text_arguments() -> None:
    assert format_command("GET DATA", "silence/1", 5000, 1) == 'GET DATA "silence/1" 5000 1\n'
    assert quote('nói "xin chào"\nrồi') == '"nói \\"xin chào\\" rồi"'


def test_application_arguments_keep_commas_inside_the_text() -> None:
    assert app_arguments("{text},any,vi", text="Xin chào, bạn") == "Xin chào\\, bạn,any,vi"
    assert app_arguments("{text}", text="giá ${EVIL} \\ x") == "giá {EVIL}  x"
