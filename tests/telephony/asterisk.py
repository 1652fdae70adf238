"""The Asterisk side of a FastAGI call, over a real TCP socket, as ``res_agi`` speaks it.

It sends the ``agi_*`` header Asterisk 20 sends for ``AGI(agi://127.0.0.1:PORT/dvcbot)``, reads
each command line and splits it as Asterisk's AGI parser does (spaces outside double quotes,
backslash escapes inside), and answers with the reply lines Asterisk writes. ``listen`` answers
the commands that need no caller (ANSWER, the TTS application, SET VARIABLE) and stops at the
first one that waits for the caller, so a test decides what the caller does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

TIMEOUT = 60.0
TTS_APPLICATION = "Espeak"
SPEECH_APPLICATION = "SpeechBackground"


def split_command(line: str) -> list[str]:
    """``EXEC "Espeak" "Xin chào\\\\, bạn,any,vi"`` → ``["EXEC", "Espeak", "Xin chào\\, bạn,any,vi"]``."""
    words: list[str] = []
    current, quoted, escaped, started = [], False, False, False
    for ch in line:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted, started = not quoted, True
        elif ch == " " and not quoted:
            if current or started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(ch)
    if current or started:
        words.append("".join(current))
    return words


def application_arguments(options: str) -> list[str]:
    """A dialplan application's arguments, split on commas that are not escaped."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in options:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


@dataclass
class Heard:
    """What the caller heard up to the command that waits for them."""

    spoken: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # the command, split

    @property
    def text(self) -> str:
        return " ".join(self.spoken)


class FakeAsterisk:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.commands: list[list[str]] = []

    @classmethod
    async def call(
        cls,
        port: int,
        *,
        caller: str = "0912345678",
        script: str = "dvcbot",
        unique_id: str = "1733050000.42",
    ) -> FakeAsterisk:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        header = {
            "agi_network": "yes",
            "agi_network_script": script,
            "agi_request": f"agi://127.0.0.1:{port}/{script}",
            "agi_channel": "PJSIP/viettel-trunk-0000001a",
            "agi_language": "vi",
            "agi_type": "PJSIP",
            "agi_uniqueid": unique_id,
            "agi_version": "20.5.0",
            "agi_callerid": caller,
            "agi_calleridname": "unknown",
            "agi_callingpres": "0",
            "agi_callingani2": "0",
            "agi_callington": "0",
            "agi_callingtns": "0",
            "agi_dnid": "02435551234",
            "agi_rdnis": "unknown",
            "agi_context": "from-trunk",
            "agi_extension": "02435551234",
            "agi_priority": "2",
            "agi_enhanced": "0.0",
            "agi_accountcode": "",
            "agi_threadid": "140230120539712",
        }
        writer.write("".join(f"{k}: {v}\n" for k, v in header.items()).encode() + b"\n")
        await writer.drain()
        return cls(reader, writer)

    async def command(self) -> list[str]:
        raw = await asyncio.wait_for(self.reader.readline(), TIMEOUT)
        assert raw, "dvcbot closed the connection while a command was expected"
        words = split_command(raw.decode("utf-8").rstrip("\n"))
        self.commands.append(words)
        return words

    async def reply(self, line: str) -> None:
        self.writer.write(line.encode("utf-8") + b"\n")
        await self.writer.drain()

    async def listen(self) -> Heard:
        heard = Heard()
        while True:
            words = await self.command()
            if words == ["ANSWER"]:
                await self.reply("200 result=0")
            elif words[:2] == ["EXEC", TTS_APPLICATION]:
                heard.spoken.append(application_arguments(words[2])[0])
                await self.reply("200 result=0")
            elif words[:2] == ["SET", "VARIABLE"]:
                await self.reply("200 result=1")
            elif words[:2] == ["EXEC", SPEECH_APPLICATION]:
                await self.reply("200 result=0")
            else:
                heard.waiting = words
                return heard

    async def closed(self) -> bool:
        """Whether dvcbot ends the connection (the AGI script returns to the dialplan)."""
        rest = await asyncio.wait_for(self.reader.read(), TIMEOUT)
        return rest == b""

    def hang_up_socket(self) -> None:
        self.writer.close()
