"""The Asterisk Gateway Interface as text: the request header, commands and replies.

What Asterisk sends when ``AGI(agi://host:4573/dvcbot)`` connects (FastAGI), one ``name: value``
line per variable and an empty line at the end::

    agi_network: yes
    agi_network_script: dvcbot
    agi_request: agi://127.0.0.1:4573/dvcbot
    agi_channel: PJSIP/trunk-00000012
    agi_uniqueid: 1733050000.42
    agi_callerid: 0912345678
    ...

then one reply line per command the script writes::

    GET DATA silence/1 5000 1        →  200 result=1            (the key "1")
                                     →  200 result= (timeout)   (nothing pressed)
                                     →  200 result=-1           (failure, usually a hang-up)
    GET FULL VARIABLE ${SPEECH_TEXT(0)}  →  200 result=1 (thủ tục cấp giấy phép lao động)
                                         →  200 result=0        (not set)

``HANGUP`` alone on a line is Asterisk's notice that the caller hung up (it may come between a
command and its reply); after it every command gets ``511 Command Not Permitted on a dead channel``.
``510`` is an unknown command and ``520-...`` starts a multi-line usage message ending with ``520 End
of proper usage.``. Only this module knows those shapes; ``telephony.fastagi`` speaks through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "HANGUP_NOTICE",
    "AgiReply",
    "AgiRequest",
    "format_command",
    "is_continuation",
    "parse_reply",
    "parse_request",
    "quote",
]

HANGUP_NOTICE = "HANGUP"
DEAD_CHANNEL = 511
_REPLY = re.compile(r"^(?P<code>\d{3})(?P<sep>[ -])(?P<rest>.*)$")
_RESULT = re.compile(r"^result=(?P<result>\S*)(?:\s+\((?P<data>.*?)\))?(?P<extras>(?:\s+\S+=\S*)*)\s*$")
_NO_CALLER = {"", "unknown", "anonymous", "restricted", "private", "<unknown>"}


@dataclass(frozen=True, slots=True)
class AgiRequest:
    """The ``agi_*`` variables of one call, without their prefix (``callerid``, ``network_script``...)."""

    variables: dict[str, str]

    @property
    def script(self) -> str:
        """The path after the port in ``agi://host:port/dvcbot`` (``agi_network_script``)."""
        return self.variables.get("network_script", "").split("?", 1)[0].strip("/")

    @property
    def caller(self) -> str | None:
        """The caller's number, or ``None`` when the network withheld it."""
        number = self.variables.get("callerid", "").strip()
        return None if number.lower() in _NO_CALLER else number

    @property
    def unique_id(self) -> str:
        return self.variables.get("uniqueid", "")

    @property
    def arguments(self) -> list[str]:
        """``AGI(agi://.../dvcbot,a,b)`` → ``["a", "b"]`` (``agi_arg_1``, ``agi_arg_2``...)."""
        numbered = sorted(
            (int(key[4:]), value)
            for key, value in self.variables.items()
            if key.startswith("arg_") and key[4:].isdigit()
        )
        return [value for _, value in numbered]


def parse_request(lines: list[str]) -> AgiRequest:
    """The header lines up to (not including) the empty one; lines without ``agi_`` are ignored."""
    variables: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep and name.startswith("agi_"):
            variables[name[4:].strip()] = value.strip()
    return AgiRequest(variables)


@dataclass(frozen=True, slots=True)
class AgiReply:
    """One reply: ``200 result=12 (timeout) endpos=1234`` → code 200, result ``"12"``, data ``"timeout"``."""

    code: int
    result: str = ""
    data: str | None = None
    extras: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 200

    @property
    def dead_channel(self) -> bool:
        return self.code == DEAD_CHANNEL

    @property
    def failed(self) -> bool:
        """``result=-1``: the command could not run, which on a live call means the caller is gone."""
        return self.result.startswith("-")

    @property
    def timed_out(self) -> bool:
        return self.data == "timeout"


def parse_reply(line: str) -> AgiReply:
    """One reply line; raises ``ValueError`` on a line that is none."""
    match = _REPLY.match(line.strip("\r\n"))
    if match is None:
        raise ValueError(f"not an AGI reply: {line[:80]!r}")
    code, rest = int(match.group("code")), match.group("rest")
    if code != 200:
        return AgiReply(code=code, message=rest)
    result = _RESULT.match(rest)
    if result is None:
        return AgiReply(code=code, message=rest)
    extras = dict(pair.split("=", 1) for pair in result.group("extras").split())
    return AgiReply(
        code=code, result=result.group("result"), data=result.group("data"), extras=extras, message=rest
    )


def is_continuation(line: str) -> bool:
    """``520-Invalid command syntax...``: the first line of a multi-line reply."""
    match = _REPLY.match(line)
    return match is not None and match.group("sep") == "-"


def quote(argument: str) -> str:
    """One command argument: Asterisk splits a command on spaces outside double quotes and reads ``\\``
    as an escape inside them. A line break would end the command, so it becomes a space."""
    flat = " ".join(argument.splitlines())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_command(name: str, *arguments: str | int) -> str:
    """``format_command("GET DATA", "silence/1", 5000, 1)`` → ``'GET DATA "silence/1" 5000 1\\n'``."""
    parts = [name, *(str(a) if isinstance(a, int) else quote(a) for a in arguments)]
    return " ".join(parts) + "\n"
