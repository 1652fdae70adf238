"""Lookup limits and alert subscriptions in SQL, with a clock the test moves."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine

from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from knowledge.dossier.subscriptions import SqlSubscriptionStore
from knowledge.dossier.verifications import SqlVerificationStore, Verification


def engine() -> Engine:
    return create_engine("sqlite://")


def test_failed_verifications_lock_a_code_for_everyone_for_the_window() -> None:
    now = [1000.0]
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_code=3, window_seconds=3600), clock=lambda: now[0])
    for sender in ("a", "b", "c"):  # an attacker changing conversations is still counted
        assert not limiter.code_locked("X")
        limiter.record(sender_id=sender, code="X", outcome="failed")
    assert limiter.code_locked("X")
    assert not limiter.code_locked("Y")
    now[0] += 3601
    assert not limiter.code_locked("X")


def test_verified_and_unavailable_lookups_do_not_lock_a_code() -> None:
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_code=1))
    limiter.record(sender_id="a", code="X", outcome="verified")
    limiter.record(sender_id="a", code="X", outcome="unavailable")
    assert not limiter.code_locked("X")


def test_lookups_per_conversation() -> None:
    now = [0.0]
    limiter = SqlLookupLimiter(engine(), LookupLimits(lookups_per_conversation=10), clock=lambda: now[0])
    for number in range(10):
        assert not limiter.conversation_locked("a")
        limiter.record(sender_id="a", code=f"C{number}", outcome="verified")
    assert limiter.conversation_locked("a") and not limiter.conversation_locked("b")
    now[0] += 3601
    assert not limiter.conversation_locked("a")


def test_subscriptions_refresh_and_end() -> None:
    store = SqlSubscriptionStore(engine())
    first = store.subscribe(code="X", sender_id="a", channel="rest", last_status="processing")
    again = store.subscribe(code="X", sender_id="a", channel="telegram", last_status="received")
    assert again.id == first.id and again.channel == "telegram"
    store.subscribe(code="X", sender_id="b", channel="rest", last_status="processing")
    assert [s.sender_id for s in store.active_for(code="X")] == ["a", "b"]
    store.mark_notified(first.id, status="supplement_required", final=False)
    assert store.active_for(code="X")[0].last_status == "supplement_required"
    store.mark_notified(first.id, status="result_ready", final=True)
    assert [s.sender_id for s in store.active_for(code="X")] == ["b"]
    assert store.active_codes() == ["X"]


def test_a_verification_is_bound_to_the_sender_and_channel_and_expires() -> None:
    now = [0.0]
    store = SqlVerificationStore(engine(), ttl_seconds=1800, clock=lambda: now[0])
    store.record(sender_id="a", channel="telegram", code="X", status="processing")
    assert store.current(sender_id="a", channel="telegram") == Verification("X", "processing", 0.0)
    assert store.current(sender_id="a", channel="rest") is None  # a REST client choosing a chat id as sender
    assert store.current(sender_id="b", channel="telegram") is None
    now[0] = 1801
    assert store.current(sender_id="a", channel="telegram") is None


def test_a_later_verification_replaces_and_a_failed_one_forgets() -> None:
    store = SqlVerificationStore(engine())
    store.record(sender_id="a", channel="rest", code="X", status="processing")
    store.record(sender_id="a", channel="rest", code="Y", status="received")
    current = store.current(sender_id="a", channel="rest")
    assert current is not None and (current.code, current.status) == ("Y", "received")
    store.forget(sender_id="a", channel="rest")
    assert store.current(sender_id="a", channel="rest") is None
