"""An unknown code and a real code with wrong digits are answered after the same time.

The status system says "not found" faster than it builds a record (the issue measured 1.0–1.3 ms);
the action answers every failed verification at ``failure_floor_seconds`` after the lookup began.
The clock here is the test's: the status system double advances it by what each answer costs.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from actions.dossier import DossierDeps, ShowDossierStatusAction
from actions.procedure import SupportLinks
from actions.sdk import CollectingDispatcher, Tracker
from knowledge.dossier.codes import DossierCodeFormat
from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from knowledge.dossier.models import DossierRecord, DossierStatus
from knowledge.dossier.subscriptions import SqlSubscriptionStore
from knowledge.dossier.verifications import SqlVerificationStore

KNOWN = "000.00.15.H29-240312-0042"
UNKNOWN = "000.99.15.H29-240312-0042"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclasses.dataclass
class StatusSystem:
    """The port's double: finding a record costs 2.3 ms, "not found" 1 ms."""

    clock: Clock

    async def lookup(self, code: str) -> DossierRecord | None:
        if code == KNOWN:
            self.clock.now += 0.0023
            return DossierRecord(code=KNOWN, status=DossierStatus.PROCESSING, verification_suffixes=frozenset({"5678"}))
        self.clock.now += 0.001
        return None


def deps(clock: Clock) -> DossierDeps:
    # One in-memory database for the action's worker threads too.
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    return DossierDeps(
        code_format=DossierCodeFormat(),
        client=StatusSystem(clock),
        limiter=SqlLookupLimiter(engine, LookupLimits(failed_per_client=100)),
        subscriptions=SqlSubscriptionStore(engine),
        verifications=SqlVerificationStore(engine),
        links=SupportLinks(hotline="18001096", portal_search_url="https://dichvucong.gov.vn"),
        failure_floor_seconds=0.2,
        clock=clock,
        sleep=clock.sleep,
    )


def tracker(code: str, digits: str) -> Tracker:
    state: dict[str, Any] = {
        "sender_id": "timing", "slots": {"dossier_code": code, "verification_digits": digits},
        "latest_message": {"text": digits, "entities": []}, "events": [], "active_loop": {},
        "latest_input_channel": "rest",
    }
    return Tracker.from_dict(state)


async def answer_time(code: str, digits: str) -> tuple[float, list[dict[str, Any]]]:
    clock = Clock()
    dispatcher = CollectingDispatcher()
    started = clock.now
    await ShowDossierStatusAction(deps(clock)).run(dispatcher, tracker(code, digits), {})
    return clock.now - started, dispatcher.messages


async def test_unknown_code_and_wrong_digits_take_the_same_time() -> None:
    unknown_took, unknown_said = await answer_time(UNKNOWN, "1234")
    wrong_took, wrong_said = await answer_time(KNOWN, "1234")
    assert unknown_said == wrong_said
    assert [m["response"] for m in unknown_said] == ["utter_dossier_not_verified"]
    assert unknown_took == pytest.approx(0.2, abs=1e-9) and wrong_took == pytest.approx(0.2, abs=1e-9)


async def test_a_verified_lookup_is_not_slowed_down() -> None:
    took, said = await answer_time(KNOWN, "5678")
    assert took == pytest.approx(0.0023, abs=1e-9) and said and "Đang xử lý" in str(said[0].get("text"))
