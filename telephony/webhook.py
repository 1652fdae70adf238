"""``POST /api/voice/webhook``: call control for cloud voice vendors, on the same call flow as FastAGI.

The vendor posts what happened on a call; the reply says what to do next, in the style of the
vendors' call-control objects (a list of actions played in order, the last one waited on)::

    → {"call_id": "c-1", "event": "call_started", "from": "0912345678"}
    ← {"call_id": "c-1", "actions": [
         {"type": "say", "text": "Xin chào, ...", "language": "vi-VN"},
         {"type": "gather", "input": "dtmf", "max_digits": 1, "timeout_seconds": 6, "finish_on_key": "#"}]}
    → {"call_id": "c-1", "event": "dtmf", "digits": "0"}
    ← {"call_id": "c-1", "actions": [{"type": "say", ...}, {"type": "transfer", "queue": "agents"}]}

Events: ``call_started`` (``from``: the caller's number; ``speech``: false when the vendor cannot
transcribe), ``dtmf`` (``digits``; ``""`` = the gather timed out), ``speech`` (``transcript``;
``""`` = nothing heard), ``call_ended``. An optional ``event_id`` makes a retried event get the same
reply. With ``telephony.webhook.token`` set, the ``X-Voice-Token`` header must carry it.
Bad input is a 4xx with a JSON ``error``: a malformed body 422, a wrong token 401, an event for a call
that never started (or has ended) 404, a second ``call_started`` 409.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.privacy import mask_numbers
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
from telephony.call_store import MAX_CALL_ID_CHARS, SqlCallStore

__all__ = ["TOKEN_HEADER", "VoiceEvent", "action_json", "voice_webhook_router"]

log = logging.getLogger("dvcbot.telephony.webhook")
TOKEN_HEADER = "X-Voice-Token"
LANGUAGE = "vi-VN"
_ID_PATTERN = r"^[A-Za-z0-9._:@+=-]+$"


class VoiceEvent(BaseModel):
    """One event of a call; unknown fields a vendor adds are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    call_id: str = Field(min_length=1, max_length=MAX_CALL_ID_CHARS, pattern=_ID_PATTERN)
    event: Literal["call_started", "dtmf", "speech", "call_ended"]
    event_id: str | None = Field(
        default=None, min_length=1, max_length=MAX_CALL_ID_CHARS, pattern=_ID_PATTERN
    )
    caller: str | None = Field(default=None, alias="from", max_length=32, pattern=r"^[0-9+ ().-]*$")
    speech: bool = True
    digits: str | None = Field(default=None, max_length=32, pattern=r"^[0-9*#]*$")
    transcript: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _fields_of_the_event(self) -> VoiceEvent:
        if self.event == "dtmf" and self.digits is None:
            raise ValueError('a "dtmf" event needs "digits" ("" when the gather timed out)')
        if self.event == "speech" and self.transcript is None:
            raise ValueError('a "speech" event needs "transcript" ("" when nothing was heard)')
        return self

    def as_flow_event(self) -> Event:
        if self.event == "call_started":
            return CallStarted(caller=(self.caller or "").strip() or None, speech=self.speech)
        if self.event == "dtmf":
            return Keys(self.digits or "")
        if self.event == "speech":
            return Speech(" ".join((self.transcript or "").split()))
        return CallEnded()


def action_json(action: Action) -> dict[str, Any]:
    if isinstance(action, Say):
        return {"type": "say", "text": action.text, "language": LANGUAGE}
    if isinstance(action, Gather):
        gathered: dict[str, Any] = {
            "type": "gather",
            "input": "dtmf" if action.input == "keys" else "speech",
            "timeout_seconds": action.timeout_seconds,
        }
        if action.input == "keys":
            gathered |= {"max_digits": action.max_digits, "finish_on_key": "#"}
        else:
            gathered["language"] = LANGUAGE
        return gathered
    if isinstance(action, Transfer):
        return {"type": "transfer", "queue": action.queue}
    assert isinstance(action, Hangup)
    return {"type": "hangup"}


class _CallLocks:
    """One event of a call at a time in this process (a vendor may post the next before the last is
    answered); a call's lock is dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: defaultdict[str, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, call_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(call_id, asyncio.Lock())
        self._users[call_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[call_id] -= 1
            if not self._users[call_id]:
                del self._users[call_id], self._locks[call_id]


def voice_webhook_router(flow: CallFlow, store: SqlCallStore, *, path: str, token: str) -> APIRouter:
    router = APIRouter()
    locks = _CallLocks()

    @router.post(path)
    async def voice_webhook(
        body: VoiceEvent, given: Annotated[str | None, Header(alias=TOKEN_HEADER, max_length=200)] = None
    ) -> dict[str, Any]:
        if token and not hmac.compare_digest((given or "").encode(), token.encode()):
            raise HTTPException(status_code=401, detail=f"{TOKEN_HEADER} missing or wrong")
        async with locks.hold(body.call_id):
            return {"call_id": body.call_id, "actions": await _handle(body)}

    async def _handle(body: VoiceEvent) -> list[dict[str, Any]]:
        event = body.as_flow_event()
        if isinstance(event, CallStarted):
            state = CallState(call_id=body.call_id)
            if not await asyncio.to_thread(store.create, state):
                raise HTTPException(status_code=409, detail="this call has already started")
            log.info("voice call=%s caller=%s", body.call_id, mask_numbers(event.caller or "-"))
        else:
            stored = await asyncio.to_thread(store.load, body.call_id)
            if stored is None:
                if isinstance(event, CallEnded):
                    return []
                raise HTTPException(status_code=404, detail="no such call: send call_started first")
            if (
                body.event_id is not None
                and stored.last_event_id == body.event_id
                and stored.last_reply is not None
            ):
                return stored.last_reply  # the vendor retried: same event, same reply
            state = stored.state
        reply = [action_json(a) for a in await flow.handle(state, event)]
        if isinstance(event, CallEnded):
            await asyncio.to_thread(store.delete, body.call_id)
        else:
            await asyncio.to_thread(store.save, state, event_id=body.event_id, reply=reply)
        return reply

    return router
