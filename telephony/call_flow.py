"""The phone menu as a state machine, shared by FastAGI and the voice webhook.

A transport turns what happened on the line into an event (``CallStarted``, ``Keys``, ``Speech``,
``CallEnded``), hands it to ``CallFlow.handle`` with the call's ``CallState``, and carries out the
actions it gets back (``Say``, ``Gather``, ``Transfer``, ``Hangup``), the last of which is what the
line waits for. The state is plain data (``as_json``/``from_json``) so the webhook can keep it in a
database between two requests; FastAGI keeps it for the length of the connection.

The menu: 1 — the status of the dossiers filed with the caller's number, told only after the
caller types the last four digits of the CCCD on the dossier (compared on the server, in constant
time, with the project's lookup limits); 2 — a question spoken to the bot (when the line can hear
speech), answered by the same agent as every channel, then the menu again with "bấm 0 để gặp tổng
đài viên"; 0 — the agents' queue. Silence and unknown keys are retried ``max_tries`` times: silence
in the main menu then ends the call politely, unknown keys are put through to an agent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from functools import partial
from typing import Any, Literal

from actions.dossier_render import STATUS_LABELS, next_steps
from bot.privacy import mask_numbers
from knowledge.dossier.client import DossierServiceUnavailable, DossierStatusClient
from knowledge.dossier.limits import LookupLimiter
from knowledge.dossier.models import DossierRecord
from telephony import prompts
from telephony.caller_dossiers import CallerDossier, CallerDossiers, national_number
from telephony.speech_text import to_speech

__all__ = [
    "Action",
    "Ask",
    "CallEnded",
    "CallFlow",
    "CallStarted",
    "CallState",
    "Event",
    "FlowOptions",
    "Gather",
    "Hangup",
    "Keys",
    "Say",
    "Speech",
    "Transfer",
]

log = logging.getLogger("dvcbot.telephony")

Step = Literal["menu", "verify", "question", "transferred", "ended"]
# (conversation id, what the caller said) -> the bot's reply texts.
Ask = Callable[[str, str], Awaitable[list[str]]]


@dataclass(frozen=True, slots=True)
class Say:
    text: str  # already speakable (telephony.speech_text)


@dataclass(frozen=True, slots=True)
class Gather:
    input: Literal["keys", "speech"]
    timeout_seconds: float
    max_digits: int = 1


@dataclass(frozen=True, slots=True)
class Transfer:
    queue: str


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


Action = Say | Gather | Transfer | Hangup


@dataclass(frozen=True, slots=True)
class CallStarted:
    caller: str | None
    speech: bool  # whether this line can send what the caller says as text


@dataclass(frozen=True, slots=True)
class Keys:
    digits: str  # "" when the caller pressed nothing before the timeout


@dataclass(frozen=True, slots=True)
class Speech:
    transcript: str  # "" when nothing was heard


@dataclass(frozen=True, slots=True)
class CallEnded:
    pass


Event = CallStarted | Keys | Speech | CallEnded


@dataclass(slots=True)
class CallState:
    """One call. ``caller`` is the full number, needed for the lookup: it is kept only while the call
    lasts and never logged in full."""

    call_id: str
    caller: str | None = None
    speech: bool = False
    step: Step = "menu"
    tries: int = 0
    failed_verifications: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallState:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True, slots=True)
class FlowOptions:
    queue: str = "agents"
    key_timeout_seconds: float = 6.0
    digits_timeout_seconds: float = 10.0
    speech_timeout_seconds: float = 10.0
    max_tries: int = 3
    max_verifications: int = 3
    max_answer_chars: int = 700
    max_dossiers_read: int = 3
    hotline: str = "18001096"


@dataclass(frozen=True, slots=True)
class _Verdict:
    outcome: Literal["verified", "failed", "locked", "unavailable"]
    records: tuple[DossierRecord, ...] = ()  # the newest, up to max_dossiers_read
    count: int = 0  # all the caller's dossiers the digits verified


class CallFlow:
    """What the line says and waits for next; see the module docstring."""

    def __init__(
        self,
        *,
        options: FlowOptions,
        ask: Ask,
        directory: CallerDossiers | None,
        status: DossierStatusClient | None,
        limiter: LookupLimiter,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._options = options
        self._ask = ask
        self._directory = directory
        self._status = status
        self._limiter = limiter
        self._today = today

    async def handle(self, state: CallState, event: Event) -> list[Action]:
        if isinstance(event, CallEnded):
            state.step = "ended"
            return []
        if state.step in ("transferred", "ended"):
            return [Hangup()]
        if isinstance(event, CallStarted):
            state.caller, state.speech, state.step, state.tries = event.caller, event.speech, "menu", 0
            return [Say(to_speech(prompts.WELCOME)), *self._menu(prompts.MENU)]
        if state.step == "verify" and isinstance(event, Keys):
            return await self._on_digits(state, event.digits)
        if state.step == "question" and isinstance(event, Speech):
            return await self._on_question(state, event.transcript)
        if isinstance(event, Speech):  # heard in the menu: a question, when the line takes speech
            return (
                await self._on_question(state, event.transcript)
                if event.transcript
                else self._on_menu_key(state, "")
            )
        return self._on_menu_key(state, event.digits)

    # The main menu.

    def _menu(self, text: str, before: tuple[str, ...] = ()) -> list[Action]:
        spoken = [Say(to_speech(t)) for t in (*before, text) if t]
        return [*spoken, Gather("keys", self._options.key_timeout_seconds, max_digits=1)]

    def _back_to_menu(self, state: CallState, *said: str) -> list[Action]:
        state.step, state.tries = "menu", 0
        return self._menu(prompts.MENU_AGAIN, said)

    def _transfer(self, state: CallState, text: str) -> list[Action]:
        state.step = "transferred"
        return [Say(to_speech(text)), Transfer(self._options.queue)]

    def _on_menu_key(self, state: CallState, key: str) -> list[Action]:
        state.step = "menu"
        if key == "0":
            return self._transfer(state, prompts.TRANSFER)
        if key == "1":
            if not state.caller:
                return self._back_to_menu(state, prompts.NO_CALLER_NUMBER)
            if self._directory is None or self._status is None:
                return self._back_to_menu(state, prompts.STATUS_UNAVAILABLE)
            state.step, state.tries = "verify", 0
            return self._ask_digits()
        if key == "2":
            if not state.speech:
                return self._back_to_menu(state, prompts.NO_SPEECH)
            state.step, state.tries = "question", 0
            return [
                Say(to_speech(prompts.ASK_QUESTION)),
                Gather("speech", self._options.speech_timeout_seconds),
            ]
        state.tries += 1
        if not key:
            if state.tries >= self._options.max_tries:
                state.step = "ended"
                return [Say(to_speech(prompts.GOODBYE_SILENCE)), Hangup()]
            return self._menu(prompts.MENU)
        if state.tries >= self._options.max_tries:
            return self._transfer(state, prompts.TRANSFER_AFTER_BAD_KEYS)
        return self._menu(prompts.MENU, (prompts.BAD_KEY,))

    # 1 — dossier status.

    def _ask_digits(self, *before: str) -> list[Action]:
        spoken = [Say(to_speech(t)) for t in (*before, prompts.ASK_DIGITS)]
        return [*spoken, Gather("keys", self._options.digits_timeout_seconds, max_digits=4)]

    async def _on_digits(self, state: CallState, digits: str) -> list[Action]:
        digits = digits.rstrip("#")
        if digits.startswith("*"):
            return self._back_to_menu(state)
        if len(digits) != 4 or not digits.isdigit():
            state.tries += 1
            if state.tries >= self._options.max_tries:
                return self._back_to_menu(state)
            return self._ask_digits(prompts.DIGITS_SILENCE if not digits else prompts.BAD_DIGITS)
        verdict = await self._verify(state, digits)
        if verdict.outcome == "locked":
            return self._back_to_menu(state, prompts.VERIFICATION_LOCKED)
        if verdict.outcome == "unavailable":
            return self._back_to_menu(state, prompts.SERVICE_DOWN)
        if verdict.outcome == "failed":
            state.failed_verifications += 1
            if state.failed_verifications >= self._options.max_verifications:
                return self._back_to_menu(state, prompts.NOT_VERIFIED_FINAL)
            state.tries = 0
            return [
                Say(to_speech(prompts.NOT_VERIFIED_AGAIN)),
                Gather("keys", self._options.digits_timeout_seconds, max_digits=4),
            ]
        told = [self._status_text(record) for record in verdict.records]
        return self._back_to_menu(state, prompts.dossier_count(verdict.count), *told)

    def _status_text(self, record: DossierRecord) -> str:
        status = record.effective_status(self._today())
        procedure = f" về thủ tục {record.procedure}" if record.procedure else ""
        return (
            f"Hồ sơ mã {record.code}{procedure}: tình trạng {STATUS_LABELS[status]}. "
            f"{next_steps(record, status, self._options.hotline)}"
        )

    async def _verify(self, state: CallState, digits: str) -> _Verdict:
        """The caller's dossiers whose CCCD ends in ``digits``; every dossier is compared, so the time
        taken does not tell which one matched, and no match looks the same as no dossier."""
        assert self._directory is not None and self._status is not None and state.caller
        client, sender = _client_key(state.caller), f"ivr-{state.call_id}"
        key = f"phone:{client}"
        locked = partial(self._limiter.conversation_locked, sender_id=sender, client=client)
        if await asyncio.to_thread(locked) or await asyncio.to_thread(
            partial(self._limiter.code_locked, code=key, client=client)
        ):
            return _Verdict("locked")
        try:
            candidates = await self._directory.dossiers_for(state.caller)
            matched = _matching(candidates, digits)
            newest = matched[: self._options.max_dossiers_read]
            records = [r for r in [await self._status.lookup(d.code) for d in newest] if r is not None]
        except DossierServiceUnavailable:
            await asyncio.to_thread(
                partial(
                    self._limiter.record, sender_id=sender, client=client, code=key, outcome="unavailable"
                )
            )
            return _Verdict("unavailable")
        outcome: Literal["verified", "failed"] = "verified" if records else "failed"
        await asyncio.to_thread(
            partial(self._limiter.record, sender_id=sender, client=client, code=key, outcome=outcome)
        )
        log.info(
            "ivr verification call=%s caller=%s outcome=%s dossiers=%d",
            state.call_id,
            mask_numbers(state.caller),
            outcome,
            len(records),
        )
        return _Verdict(outcome, tuple(records), len(matched) if records else 0)

    # 2 — a question to the bot.

    async def _on_question(self, state: CallState, transcript: str) -> list[Action]:
        state.step = "question"
        text = transcript.strip()
        if not text:
            state.tries += 1
            if state.tries >= self._options.max_tries:
                return self._back_to_menu(state)
            return [
                Say(to_speech(prompts.QUESTION_SILENCE)),
                Gather("speech", self._options.speech_timeout_seconds),
            ]
        try:
            replies = await self._ask(f"ivr-{state.call_id}", text)
        except Exception:  # the caller is on the line: say sorry and offer the menu, with the error logged
            log.exception("ivr question failed call=%s", state.call_id)
            return self._back_to_menu(state, prompts.QUESTION_TRY_LATER)
        answer = _shorten(to_speech(" ".join(replies)), self._options.max_answer_chars)
        return self._back_to_menu(state, answer or prompts.QUESTION_TRY_LATER)


def _client_key(caller: str) -> str:
    """Who is calling, for the lookup limits, without storing the number: a digest of its digits."""
    return "ivr:" + hashlib.sha256(national_number(caller).encode()).hexdigest()[:20]


def _matching(candidates: list[CallerDossier], digits: str) -> list[CallerDossier]:
    matched: list[CallerDossier] = []
    for candidate in candidates:
        suffix = candidate.id_suffix or "\x00" * 4
        if hmac.compare_digest(suffix.encode(), digits.encode()):
            matched.append(candidate)
    return matched


def _shorten(text: str, limit: int) -> str:
    """The first sentences of an answer, up to ``limit`` characters: a long chat answer is too long to
    listen to; the caller can ask an agent (0) for the rest."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("; "))
    return (cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + ".").strip()
