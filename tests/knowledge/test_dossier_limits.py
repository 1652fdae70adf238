"""Lookup limits and alert subscriptions in SQL, with a clock the test moves."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine

from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from knowledge.dossier.subscriptions import SqlSubscriptionStore
from knowledge.dossier.verifications import SqlVerificationStore, Verification


def engine() -> Engine:
    return create_engine("sqlite://")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(limiter: SqlLookupLimiter, client: str, code: str = "X", times: int = 1) -> None:
    for _ in range(times):
        limiter.record(sender_id=f"s-{client}", client=client, code=code, outcome="failed")


def test_failures_lock_that_client_out_of_that_code_not_the_owner_elsewhere() -> None:
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_client=3), clock=Clock())
    for sender in ("a", "b", "c"):  # new sender ids from one address are still one client
        assert not limiter.code_locked(code="X", client="ip:203.0.113.7")
        limiter.record(sender_id=sender, client="ip:203.0.113.7", code="X", outcome="failed")
    assert limiter.code_locked(code="X", client="ip:203.0.113.7")
    assert not limiter.code_locked(code="Y", client="ip:203.0.113.7")
    assert not limiter.code_locked(code="X", client="ip:198.51.100.9")  # the owner, elsewhere
    assert not limiter.code_locked(code="X", client="user:zalo:1234")


def test_the_lock_out_is_progressive_and_a_success_clears_it() -> None:
    clock = Clock()
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_client=3, lockout_seconds=300), clock=clock)
    client = "ip:203.0.113.7"
    fail(limiter, client, times=3)
    lock_lengths = []
    for _ in range(3):
        until = limiter.locked_until(code="X", client=client)
        lock_lengths.append(until - clock.now)
        clock.now = until - 1
        assert limiter.code_locked(code="X", client=client)
        clock.now = until + 1
        assert not limiter.code_locked(code="X", client=client)
        fail(limiter, client)  # one more wrong guess after the lock-out ends
    assert lock_lengths == [300, 600, 1200]  # 5 min, then 10, then 20
    limiter.record(sender_id="s", client=client, code="X", outcome="verified")
    assert limiter.locked_until(code="X", client=client) == 0.0


def test_the_lock_out_stops_growing_at_its_ceiling() -> None:
    clock = Clock()
    limits = LookupLimits(failed_per_client=3, lockout_seconds=300, max_lockout_seconds=3600)
    limiter = SqlLookupLimiter(engine(), limits, clock=clock)
    fail(limiter, "ip:203.0.113.7", times=12)
    assert limiter.locked_until(code="X", client="ip:203.0.113.7") == clock.now + 3600


def test_many_addresses_lock_the_code_but_its_channel_owner_gets_through() -> None:
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_client=3, failed_per_code=6), clock=Clock())
    limiter.record(sender_id="zalo:1234", client="user:zalo:1234", code="X", outcome="verified")
    for number in range(3):
        fail(limiter, f"ip:203.0.113.{number}", times=2)
    assert limiter.code_locked(code="X", client="ip:198.51.100.9")  # a new address: locked
    assert limiter.code_locked(code="X", client="user:telegram:99")  # a channel user who never verified it
    assert not limiter.code_locked(code="X", client="user:zalo:1234")  # the owner, on their channel


def test_verified_and_unavailable_lookups_do_not_lock_a_code() -> None:
    limiter = SqlLookupLimiter(engine(), LookupLimits(failed_per_client=1, failed_per_code=1))
    limiter.record(sender_id="a", client="ip:203.0.113.7", code="X", outcome="verified")
    limiter.record(sender_id="a", client="ip:203.0.113.7", code="X", outcome="unavailable")
    assert not limiter.code_locked(code="X", client="ip:203.0.113.7")


def test_lookups_per_conversation_and_per_client() -> None:
    clock = Clock()
    limiter = SqlLookupLimiter(engine(), LookupLimits(lookups_per_conversation=10, lookups_per_client=15), clock=clock)
    for number in range(10):
        assert not limiter.conversation_locked(sender_id="a", client="ip:203.0.113.7")
        limiter.record(sender_id="a", client="ip:203.0.113.7", code=f"C{number}", outcome="verified")
    assert limiter.conversation_locked(sender_id="a", client="ip:203.0.113.7")
    for number in range(5):  # changing sender id does not dodge the address's own limit
        assert not limiter.conversation_locked(sender_id=f"b{number}", client="ip:203.0.113.7")
        limiter.record(sender_id=f"b{number}", client="ip:203.0.113.7", code=f"D{number}", outcome="verified")
    assert limiter.conversation_locked(sender_id="fresh", client="ip:203.0.113.7")
    assert not limiter.conversation_locked(sender_id="fresh", client="ip:198.51.100.9")
    clock.now += 3601
    assert not limiter.conversation_locked(sender_id="a", client="ip:203.0.113.7")


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
