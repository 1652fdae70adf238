"""Dossier status by chat: ask for the code, verify the applicant, show the status, set an alert.

``action_check_dossier_status`` starts a lookup and hands over to ``dossier_form`` (code, then the
last four digits of the phone or CCCD on the dossier); ``validate_dossier_form`` reads and checks
what the applicant typed; ``action_show_dossier_status`` runs when the form is complete.

Until the applicant is verified nothing is revealed: an unknown code and wrong digits get the same
reply after the same work (the digits are compared against a decoy record, and every failed
verification is answered no sooner than ``failure_floor_seconds`` after the lookup started, so
the backend's faster "not found" does not show in the timing); both count as failed
verifications. The limits (``knowledge.dossier.limits``) count them by client — the request's
address, or the Telegram/Zalo user — and code, so a stranger cannot lock the owner out. After a
failed verification within the limits the code is kept and the digits are asked for again, so a
mistyped digit can be corrected by just typing the right ones. Only the four digits are ever kept
in a slot, and only until the lookup.

A verification is recorded on the server (``VerificationStore``), bound to the sender and channel;
the alert action subscribes only to that dossier. The ``verified_dossier`` slot is still set, for
the dialogue and for Rasa deployments reading it, but never trusted: over the action-server
protocol whoever calls can set any slot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from actions.dossier_render import STATUS_LABELS, malformed_code_text, render_status
from actions.forms import FormValidationAction
from actions.procedure import SupportLinks, payload
from actions.sdk import CollectingDispatcher, DomainDict, EventType, FollowupAction, SlotSet, Tracker
from bot.client_address import current_client_address
from bot.privacy import mask_numbers
from knowledge.dossier.client import DossierServiceUnavailable, DossierStatusClient
from knowledge.dossier.codes import DossierCodeFormat
from knowledge.dossier.limits import CHANNEL_IDENTITY_PREFIX, LookupLimiter
from knowledge.dossier.models import FINAL_STATUSES, DossierRecord, DossierStatus, last_digits
from knowledge.dossier.subscriptions import SubscriptionStore
from knowledge.dossier.verifications import Verification, VerificationStore

__all__ = [
    "CheckDossierStatusAction",
    "DossierDeps",
    "ShowDossierStatusAction",
    "SubscribeDossierAction",
    "ValidateDossierForm",
    "client_of",
    "digits_from_text",
]

FORM = "dossier_form"
SUBSCRIBE_BUTTON = {"title": "🔔 Báo cho tôi khi có kết quả", "payload": "/subscribe_dossier_status"}
ANOTHER_BUTTON = {"title": "Tra cứu hồ sơ khác", "payload": "/check_dossier_status"}
_FOUR_DIGITS = re.compile(r"(?<![\w.\-/])\d{4}(?![\w\-/]|\.\d)")
_ANY_DIGIT = re.compile(r"\d")
# Channels whose sender ids the platform authenticates: the user is the client. Elsewhere (REST,
# the widget) the client picks its sender id, so the request's address stands for the client.
AUTHENTICATED_CHANNELS = frozenset({"telegram", "zalo"})
# What the digits are compared against when the code is unknown: the same work as a wrong guess.
_DECOY = DossierRecord(code="", status=DossierStatus.RECEIVED, verification_suffixes=frozenset({"\x00" * 4, "\x01" * 4}))


@dataclass(frozen=True, slots=True)
class DossierDeps:
    """What the dossier actions need, as ports; ``client`` is ``None`` when no status system is set up."""

    code_format: DossierCodeFormat
    client: DossierStatusClient | None
    limiter: LookupLimiter
    subscriptions: SubscriptionStore
    verifications: VerificationStore
    links: SupportLinks
    today: Callable[[], dt.date] = field(default=dt.date.today)
    failure_floor_seconds: float = 0.0  # a failed verification is answered no sooner than this
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


def digits_from_text(text: str, entities: list[dict[str, Any]], code_format: DossierCodeFormat) -> str | None:
    """The four verification digits in a reply, ``""`` when it has digits but not those, ``None`` when none.

    ``"4 số cuối là 4321"`` → ``"4321"``; a whole phone or CCCD number (already found by the NLU)
    gives its last four; digits that belong to a dossier code are not read as verification digits.
    """
    for entity in entities:
        if entity.get("entity") in ("phone_number", "id_number"):
            suffix = last_digits(str(entity.get("value")))
            if suffix:
                return suffix
    candidate = code_format.find(text)
    if candidate is not None and candidate.canonical:
        text = text.replace(candidate.raw, " ")
    if not _ANY_DIGIT.search(text):
        return None
    found = {match.group(0) for match in _FOUR_DIGITS.finditer(text)}
    return found.pop() if len(found) == 1 else ""


def client_of(tracker: Tracker) -> str:
    """Who is asking, in terms an attacker cannot rotate cheaply (see ``knowledge.dossier.limits``)."""
    if _channel(tracker) in AUTHENTICATED_CHANNELS:
        return f"{CHANNEL_IDENTITY_PREFIX}{tracker.sender_id}"
    return current_client_address() or f"sender:{tracker.sender_id}"


class CheckDossierStatusAction:
    """The start of a lookup ("tra cứu hồ sơ"): forget the last digits, keep a code given just now."""

    def __init__(self, deps: DossierDeps) -> None:
        self._deps = deps

    def name(self) -> str:
        return "action_check_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if self._deps.client is None:
            dispatcher.utter_message(response="utter_dossier_status_unavailable")
            return []
        locked = partial(self._deps.limiter.conversation_locked, sender_id=tracker.sender_id, client=client_of(tracker))
        if await asyncio.to_thread(locked):
            dispatcher.utter_message(response="utter_dossier_locked")
            return [SlotSet("verification_digits", None)]
        code_now = next(tracker.get_latest_entity_values("dossier_code"), None)
        retry = tracker.get_slot("dossier_retry_code")
        # "Thử lại" after an outage: the applicant already gave the digits for this code.
        keep_digits = bool(retry) and code_now == retry and bool(tracker.get_slot("verification_digits"))
        events: list[EventType] = [SlotSet("dossier_retry_code", None)]
        if not keep_digits:
            events.append(SlotSet("verification_digits", None))
        if not code_now:
            events.append(SlotSet("dossier_code", None))
        return [*events, FollowupAction(FORM)]


class ValidateDossierForm(FormValidationAction):
    """Reads the code and the digits from free text and says what is wrong with them."""

    form_name = FORM
    required_slots = ("dossier_code", "verification_digits")

    def __init__(self, deps: DossierDeps) -> None:
        self._deps = deps

    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        activating = tracker.active_loop_name != FORM
        if tracker.get_slot("dossier_code") or not (activating or tracker.get_slot("requested_slot") == "dossier_code"):
            return {}
        text = str(tracker.latest_message.get("text") or "")
        candidate = self._deps.code_format.find(text) if not text.startswith("/") else None
        if candidate is None:
            return {}
        if candidate.canonical:
            return {"dossier_code": candidate.canonical}
        # Without being asked, only something long enough to be a mistyped code is taken as one.
        if activating and not self._deps.code_format.looks_like_code(candidate):
            return {}
        return {"dossier_code": candidate.raw}

    async def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not value:
            return {"dossier_code": None}
        code_format = self._deps.code_format
        canonical = code_format.normalize(str(value))
        if canonical:
            return {"dossier_code": canonical}
        shown = mask_numbers(str(value))[:60]
        dispatcher.utter_message(text=malformed_code_text(shown, code_format.diagnose(str(value)), code_format.example))
        return {"dossier_code": None}

    async def extract_verification_digits(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "verification_digits" or tracker.active_loop_name != FORM:
            return {}
        text = str(tracker.latest_message.get("text") or "")
        digits = digits_from_text(text, list(tracker.latest_message.get("entities") or []), self._deps.code_format)
        if digits is None and any(tracker.get_latest_entity_values("dossier_code")):
            return {}  # a new code, no digits: the code is validated, the digits asked for again
        return {"verification_digits": digits if digits is not None else ""}

    async def validate_verification_digits(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"verification_digits": None}
        if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
            return {"verification_digits": value}
        dispatcher.utter_message(response="utter_dossier_bad_digits")
        return {"verification_digits": None}


def _channel(tracker: Tracker) -> str:
    return tracker.latest_input_channel or "rest"


async def _subscribe(
    deps: DossierDeps, dispatcher: CollectingDispatcher, tracker: Tracker, verified: Verification
) -> list[EventType]:
    code, status = verified.code, DossierStatus(verified.status)
    if status in FINAL_STATUSES:
        dispatcher.utter_message(
            text=f"Dạ, hồ sơ {code} đã ở tình trạng \"{STATUS_LABELS[status]}\" nên sẽ không còn thay đổi để em "
            "báo thêm ạ."
        )
        return [SlotSet("dossier_alert_pending", None)]
    await asyncio.to_thread(
        partial(
            deps.subscriptions.subscribe,
            code=code,
            sender_id=tracker.sender_id,
            channel=_channel(tracker),
            last_status=status.value,
        )
    )
    dispatcher.utter_message(
        text=f"Dạ, em đã ghi nhận. Khi hồ sơ {code} thay đổi tình trạng (có kết quả, cần bổ sung...), em sẽ nhắn "
        "cho anh/chị ngay trong cuộc trò chuyện này ạ."
    )
    return [SlotSet("dossier_alert_pending", None)]


def _locked(limiter: LookupLimiter, sender_id: str, client: str, code: str) -> bool:
    return limiter.conversation_locked(sender_id=sender_id, client=client) or limiter.code_locked(
        code=code, client=client
    )


async def _answer_no_sooner(deps: DossierDeps, started: float) -> None:
    """Wait out the rest of ``failure_floor_seconds`` since ``started``: unknown codes and wrong digits
    are answered after the same time, however fast the status system says "not found"."""
    remaining = deps.failure_floor_seconds - (deps.clock() - started)
    if remaining > 0:
        await deps.sleep(remaining)


class ShowDossierStatusAction:
    """After the form: check the limits, look the dossier up, verify, and answer."""

    def __init__(self, deps: DossierDeps) -> None:
        self._deps = deps

    def name(self) -> str:
        return "action_show_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        deps = self._deps
        code, digits = tracker.get_slot("dossier_code"), tracker.get_slot("verification_digits")
        forget = [SlotSet("verification_digits", None)]
        if deps.client is None:
            dispatcher.utter_message(response="utter_dossier_status_unavailable")
            return forget
        if not code or not digits:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return forget
        sender, client = tracker.sender_id, client_of(tracker)
        if await asyncio.to_thread(_locked, deps.limiter, sender, client, code):
            dispatcher.utter_message(response="utter_dossier_locked")
            return forget
        started = deps.clock()
        try:
            record = await deps.client.lookup(code)
        except DossierServiceUnavailable:
            await asyncio.to_thread(
                partial(deps.limiter.record, sender_id=sender, client=client, code=code, outcome="unavailable")
            )
            dispatcher.utter_message(
                response="utter_dossier_service_down",
                buttons=[{"title": "🔄 Thử lại", "payload": payload("check_dossier_status", dossier_code=code)}],
            )
            return [SlotSet("dossier_retry_code", code)]
        channel = _channel(tracker)
        matched = (record or _DECOY).verify(digits)  # the same comparison whether the code exists or not
        if record is None or not matched:
            await asyncio.to_thread(
                partial(deps.limiter.record, sender_id=sender, client=client, code=code, outcome="failed")
            )
            await asyncio.to_thread(partial(deps.verifications.forget, sender_id=sender, channel=channel))
            still_allowed = not await asyncio.to_thread(_locked, deps.limiter, sender, client, code)
            await _answer_no_sooner(deps, started)
            dispatcher.utter_message(response="utter_dossier_not_verified")
            events: list[EventType] = [*forget, SlotSet("verified_dossier", None)]
            # Within the limits the code is kept and the digits asked again: "1234" → "à nhầm, 5678".
            return [*events, FollowupAction(FORM)] if still_allowed else events
        await asyncio.to_thread(
            partial(deps.limiter.record, sender_id=sender, client=client, code=code, outcome="verified")
        )
        status = record.effective_status(deps.today())
        verified = await asyncio.to_thread(
            partial(deps.verifications.record, sender_id=sender, channel=channel, code=code, status=status.value)
        )
        buttons = [ANOTHER_BUTTON] if status in FINAL_STATUSES else [SUBSCRIBE_BUTTON, ANOTHER_BUTTON]
        dispatcher.utter_message(text=render_status(record, status, deps.links.hotline), buttons=buttons)
        events = [
            *forget,
            SlotSet("verified_dossier", {"code": code, "status": status.value}),
            SlotSet("dossier_retry_code", None),
        ]
        if tracker.get_slot("dossier_alert_pending"):
            events += await _subscribe(deps, dispatcher, tracker, verified)
        return events


class SubscribeDossierAction:
    """"Báo cho tôi khi có kết quả": remember the verified dossier and the channel; look it up first if needed."""

    def __init__(self, deps: DossierDeps) -> None:
        self._deps = deps

    def name(self) -> str:
        return "action_subscribe_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if self._deps.client is None:
            dispatcher.utter_message(response="utter_dossier_status_unavailable")
            return []
        # The server's own record of this conversation's verification, never the slot a caller sent.
        verified = await asyncio.to_thread(
            partial(self._deps.verifications.current, sender_id=tracker.sender_id, channel=_channel(tracker))
        )
        code_now = next(tracker.get_latest_entity_values("dossier_code"), None)
        if verified is not None and code_now in (None, verified.code):
            return await _subscribe(self._deps, dispatcher, tracker, verified)
        dispatcher.utter_message(response="utter_dossier_alert_needs_lookup")
        return [SlotSet("dossier_alert_pending", True), FollowupAction("action_check_dossier_status")]
