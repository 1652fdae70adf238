"""FastAGI: Asterisk connects over TCP for every call that reaches ``AGI(agi://host:PORT/dvcbot)``.

One connection is one call. ``AgiConnection`` reads the ``agi_*`` header and sends commands one at a
time, waiting for each reply; ``AgiCall`` plays the ``CallFlow``'s actions with them:

- ``Say`` → ``EXEC <tts application> "<arguments with the text>"`` (``telephony.fastagi`` settings):
  the PBX's text-to-speech speaks what ``telephony.speech_text`` wrote. With ``barge_in`` a key that
  interrupted the prompt (the application's result, an ASCII code) answers the next menu;
- ``Gather`` of keys → ``GET DATA <sound> <timeout ms> <max digits>``; of speech → ``EXEC <speech
  application>`` then ``GET FULL VARIABLE ${SPEECH_TEXT(0)}`` (both configurable);
- ``Transfer`` → ``SET VARIABLE DVCBOT_TRANSFER <queue>`` and ``EXEC Queue "<queue>"`` (or Dial...);
- ``Hangup`` → ``HANGUP``.

A hang-up shows as a ``HANGUP`` line, a ``511`` reply, ``result=-1`` or the socket closing: each
ends the call quietly (``ChannelHungUp``), and the flow is told the call ended.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import suppress

from bot.privacy import mask_numbers
from telephony.agi_protocol import (
    HANGUP_NOTICE,
    AgiReply,
    AgiRequest,
    format_command,
    is_continuation,
    parse_reply,
    parse_request,
)
from telephony.call_flow import (
    Action,
    CallEnded,
    CallFlow,
    CallStarted,
    CallState,
    Event,
    Gather,
    Hangup,
    Keys,
    Say,
    Speech,
    Transfer,
)
from telephony.settings import FastAgiSettings

__all__ = ["AgiCall", "AgiConnection", "ChannelHungUp", "app_arguments", "serve_fastagi"]

log = logging.getLogger("dvcbot.telephony.fastagi")

_MAX_HEADER_LINES = 200
_HEADER_TIMEOUT_SECONDS = 10.0
_READ_LIMIT = 64 * 1024
_KEY_CODES = {ord(ch): ch for ch in "0123456789*#"}


class ChannelHungUp(Exception):
    """The caller is gone (or Asterisk closed the connection): nothing more can be said."""


class AgiProtocolError(Exception):
    """Asterisk sent something that is not AGI."""


def app_arguments(template: str, **values: str) -> str:
    """A dialplan application's argument string with ``values`` filled in; a comma inside a value is
    escaped so it stays part of that argument: ``("{text},any,vi", text="Xin chào, bạn")`` →
    ``"Xin chào\\, bạn,any,vi"``. ``$`` is dropped so a value can never expand a channel variable."""
    safe = {k: v.replace("\\", "").replace("$", "").replace(",", "\\,") for k, v in values.items()}
    return template.format(**safe)


class AgiConnection:
    """One FastAGI connection: the request header, then commands and their replies in turn."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.hung_up = False

    async def read_request(self) -> AgiRequest:
        lines: list[str] = []
        while True:
            line = await asyncio.wait_for(self._readline(), _HEADER_TIMEOUT_SECONDS)
            if not line:
                return parse_request(lines)
            lines.append(line)
            if len(lines) > _MAX_HEADER_LINES:
                raise AgiProtocolError("AGI header too long")

    async def send(self, name: str, *arguments: str | int) -> AgiReply:
        if self.hung_up:
            raise ChannelHungUp
        try:
            self._writer.write(format_command(name, *arguments).encode("utf-8"))
            await self._writer.drain()
        except (ConnectionError, OSError) as error:
            self.hung_up = True
            raise ChannelHungUp from error
        reply = await self._read_reply()
        if reply.dead_channel or self.hung_up:
            self.hung_up = True
            raise ChannelHungUp
        return reply

    async def _read_reply(self) -> AgiReply:
        while True:
            line = await self._readline()
            if line == HANGUP_NOTICE:  # may come before the reply to the command in flight
                self.hung_up = True
                continue
            if not line:
                continue
            if is_continuation(line):  # "520-Invalid command syntax..." up to "520 End of proper usage."
                code = line[:3]
                while not (line.startswith(code + " ")):
                    line = await self._readline()
                return AgiReply(code=int(code), message=line[4:])
            try:
                return parse_reply(line)
            except ValueError as error:
                raise AgiProtocolError(str(error)) from error

    async def _readline(self) -> str:
        try:
            raw = await self._reader.readline()
        except (ConnectionError, OSError, asyncio.LimitOverrunError, ValueError) as error:
            self.hung_up = True
            raise ChannelHungUp from error
        if not raw:
            self.hung_up = True
            raise ChannelHungUp
        return raw.decode("utf-8", errors="replace").rstrip("\r\n")

    async def close(self) -> None:
        self._writer.close()
        # CancelledError too: at shutdown the handler is cancelled, and Python 3.11's start_server logs
        # a cancelled handler as an error ("Exception in callback ... connection_made").
        with suppress(ConnectionError, OSError, asyncio.CancelledError):
            await self._writer.wait_closed()


class AgiCall:
    """Plays one call of the ``CallFlow`` over an ``AgiConnection``."""

    def __init__(self, flow: CallFlow, options: FastAgiSettings, connection: AgiConnection) -> None:
        self._flow = flow
        self._options = options
        self._connection = connection

    async def run(self) -> None:
        request = await self._connection.read_request()
        if request.script != self._options.script:
            log.warning("refused AGI script %r (expected %r)", request.script[:60], self._options.script)
            return
        state = CallState(call_id=request.unique_id or uuid.uuid4().hex)
        log.info(
            "ivr call=%s caller=%s channel=%s",
            state.call_id,
            mask_numbers(request.caller or "-"),
            request.variables.get("channel", "")[:60],
        )
        try:
            await self._connection.send("ANSWER")
            started = CallStarted(caller=request.caller, speech=bool(self._options.speech_application))
            actions = await self._flow.handle(state, started)
            while (event := await self._perform(actions)) is not None:
                actions = await self._flow.handle(state, event)
        except ChannelHungUp:
            log.info("ivr call=%s hung up at %s", state.call_id, state.step)
        finally:
            await self._flow.handle(state, CallEnded())

    async def _perform(self, actions: list[Action]) -> Event | None:
        """Carry out ``actions``; the caller's answer to the last ``Gather``, or ``None`` when the call
        is over (transferred, hung up, or nothing left to wait for)."""
        pressed = ""
        for action in actions:
            if isinstance(action, Say):
                if not pressed:
                    pressed = await self._say(action.text)
            elif isinstance(action, Gather):
                return await self._gather(action, pressed)
            elif isinstance(action, Transfer):
                await self._connection.send("SET VARIABLE", "DVCBOT_TRANSFER", action.queue)
                await self._exec(
                    self._options.transfer_application,
                    app_arguments(self._options.transfer_arguments, queue=action.queue),
                )
                return None
            elif isinstance(action, Hangup):
                await self._connection.send("HANGUP")
                return None
        return None

    async def _say(self, text: str) -> str:
        reply = await self._exec(
            self._options.tts_application, app_arguments(self._options.tts_arguments, text=text)
        )
        if self._options.barge_in and reply.result.isdigit():
            return _KEY_CODES.get(int(reply.result), "")
        return ""

    async def _gather(self, gather: Gather, pressed: str) -> Event:
        if gather.input == "speech":
            if pressed:
                return Keys(pressed)
            timeout = str(int(gather.timeout_seconds))
            await self._exec(
                self._options.speech_application,
                app_arguments(self._options.speech_arguments, timeout=timeout),
            )
            heard = await self._connection.send("GET FULL VARIABLE", self._options.speech_variable)
            return Speech(heard.data or "" if heard.result == "1" else "")
        if pressed and (gather.max_digits == 1 or pressed in "*#"):
            return Keys(pressed)
        remaining = gather.max_digits - len(pressed)
        reply = await self._connection.send(
            "GET DATA", self._options.gather_prompt, int(gather.timeout_seconds * 1000), remaining
        )
        if reply.failed:
            raise ChannelHungUp
        return Keys(pressed + reply.result)

    async def _exec(self, application: str, arguments: str) -> AgiReply:
        reply = await self._connection.send("EXEC", application, arguments)
        if reply.result == "-2":
            log.error("Asterisk has no application %r (telephony.fastagi settings)", application)
        elif reply.failed:
            raise ChannelHungUp
        return reply


async def _serve_connection(
    flow: CallFlow, options: FastAgiSettings, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    connection = AgiConnection(reader, writer)
    try:
        await AgiCall(flow, options, connection).run()
    except (ChannelHungUp, TimeoutError):
        pass
    except AgiProtocolError as error:
        log.warning("closing an AGI connection: %s", error)
    except asyncio.CancelledError:  # the server is stopping: the call goes back to the dialplan
        log.info("FastAGI stopping: a call was dropped")
    except Exception:  # one broken call must not take the server down; the trace is logged (masked)
        log.exception("AGI call failed")
    finally:
        await connection.close()


async def serve_fastagi(flow: CallFlow, options: FastAgiSettings, host: str, port: int) -> asyncio.Server:
    """Start listening (``port`` 0: a free one, see ``server.sockets``); the caller serves it."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_connection(flow, options, reader, writer)

    return await asyncio.start_server(handle, host, port, limit=_READ_LIMIT)
