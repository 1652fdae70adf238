"""Verification limits as applicants and attackers meet them: by address or channel user and code,
progressive, and never a way for a stranger to lock the owner out (issue 10, item 6).

The shared ``client`` talks from the address ``testclient``; a test that needs other addresses
opens a TestClient on the same app with its own (``from_address``), as a request from elsewhere.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.messages import UserMessage
from bot.service import Service
from knowledge.dossier.limits import SqlLookupLimiter
from tests.bot.test_dossier_conversation import ASK_DIGITS, new_dossier, sender, unknown_code
from tests.conftest import joined, say

LOCKED = "tạm dừng tra cứu"
NOT_VERIFIED = "chưa xác minh được"


def from_address(client: TestClient, host: str) -> TestClient:
    return TestClient(client.app, client=(host, 40000))


def random_address() -> str:
    serial = uuid.uuid4().int
    return f"203.0.{serial % 250}.{serial // 250 % 250 + 1}"


@pytest.fixture()
def limiter(service: Service) -> Iterator[SqlLookupLimiter]:
    assert service.dossier is not None
    found = service.dossier.deps.limiter
    assert isinstance(found, SqlLookupLimiter)
    before = found.limits
    yield found
    found.limits = before


def attempt(client: TestClient, user: str, code: str, digits: str) -> str:
    asked = joined(say(client, user, f"hồ sơ {code} sao rồi"))
    if ASK_DIGITS not in asked:
        return asked
    return joined(say(client, user, digits))


def test_a_stranger_guessing_does_not_lock_the_owner_out(client: TestClient, service: Service) -> None:
    code = new_dossier(client, service)
    attacker = from_address(client, random_address())
    for guess in ("1111", "2222", "3333"):  # a new conversation for every guess
        assert NOT_VERIFIED in attempt(attacker, sender(), code, guess)
    assert LOCKED in attempt(attacker, sender(), code, "0011")  # the right digits, from that address: locked
    owner = from_address(client, random_address())
    shown = attempt(owner, sender(), code, "0011")
    assert "Đang xử lý" in shown and code in shown


def test_rotating_sender_ids_does_not_dodge_the_address_limit(
    client: TestClient, service: Service, limiter: SqlLookupLimiter
) -> None:
    limiter.limits = dataclasses.replace(limiter.limits, lookups_per_client=4)
    address = from_address(client, random_address())
    for _ in range(4):
        assert "Đang xử lý" in attempt(address, sender(), "000.00.15.H29-240312-0042", "5678")
    assert LOCKED in joined(say(address, sender(), "tra cứu hồ sơ"))  # a fifth "new" conversation
    assert ASK_DIGITS in joined(say(from_address(client, random_address()), sender(),
                                    "hồ sơ 000.00.15.H29-240312-0042 sao rồi"))


def test_a_code_guessed_from_many_addresses_still_opens_for_its_owner_on_zalo(
    client: TestClient, service: Service, limiter: SqlLookupLimiter
) -> None:
    limiter.limits = dataclasses.replace(limiter.limits, failed_per_code=6)
    code = new_dossier(client, service)
    owner = f"zalo:{uuid.uuid4().int % 10**16}"

    def on_zalo(text: str) -> str:
        replies = asyncio.run(service.agent.handle(UserMessage(text=text, sender_id=owner, input_channel="zalo")))
        return "\n".join(m.text or "" for m in replies)

    assert ASK_DIGITS in on_zalo(f"hồ sơ {code} sao rồi")
    assert "Đang xử lý" in on_zalo("0011")  # the owner has verified it on Zalo once
    for _ in range(3):
        address = from_address(client, random_address())
        for guess in ("1111", "2222"):
            attempt(address, sender(), code, guess)
    assert LOCKED in attempt(from_address(client, random_address()), sender(), code, "0011")
    assert ASK_DIGITS in on_zalo(f"hồ sơ {code} sao rồi")
    assert "Đang xử lý" in on_zalo("0011")


def test_an_unknown_code_locks_the_same_way_with_the_same_words(client: TestClient) -> None:
    address = from_address(client, random_address())
    unknown = unknown_code()
    replies = [attempt(address, sender(), unknown, guess) for guess in ("1111", "2222", "3333", "0011")]
    assert all(NOT_VERIFIED in reply for reply in replies[:3]) and LOCKED in replies[3]
