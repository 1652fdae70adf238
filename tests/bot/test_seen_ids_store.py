"""The persisted memory of handled message ids, on SQLite and on PostgreSQL (``DVCBOT_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.seen_ids_store import SqlSeenIds
from bot.service import make_engine

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


class Clock:
    def __init__(self) -> None:
        self.now = 1_763_800_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'seen.db'}")
    if not POSTGRES:
        pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
    return make_engine(POSTGRES)


def test_an_id_is_new_once_for_every_process_and_after_a_restart(engine: Engine) -> None:
    key = f"zalo:msg:{uuid.uuid4().hex}"
    first, second = SqlSeenIds(engine, ttl_seconds=60), SqlSeenIds(engine, ttl_seconds=60)
    assert first.first_time(key)
    assert not first.first_time(key) and not second.first_time(key)
    assert not SqlSeenIds(engine, ttl_seconds=60).first_time(key)  # a restarted process


def test_an_expired_id_is_new_again_and_forget_allows_a_retry(engine: Engine) -> None:
    clock = Clock()
    seen = SqlSeenIds(engine, ttl_seconds=60, clock=clock)
    key = f"telegram:update:{uuid.uuid4().hex}"
    assert seen.first_time(key)
    clock.now += 61
    assert seen.first_time(key) and not seen.first_time(key)
    seen.forget(key)
    assert seen.first_time(key)


def test_a_very_long_id_is_kept_by_its_first_255_characters(engine: Engine) -> None:
    seen = SqlSeenIds(engine, ttl_seconds=60)
    key = "zalo:msg:" + uuid.uuid4().hex * 20
    assert seen.first_time(key) and not seen.first_time(key)
