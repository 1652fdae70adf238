"""The voice webhook's call store on SQLite and on a real PostgreSQL (``DVCBOT_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.api.errors import install_error_handlers
from bot.service import Service, make_engine
from bot.settings import Settings
from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from telephony.assembly import agent_ask, caller_directory, flow_options
from telephony.call_flow import CallFlow, CallState
from telephony.call_store import SqlCallStore
from telephony.webhook import voice_webhook_router

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        if not POSTGRES:
            pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
        built = make_engine(POSTGRES)
    else:
        built = make_engine(f"sqlite:///{tmp_path / 'calls.db'}")
    yield built
    built.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_call_is_kept_between_requests_and_forgotten_at_the_end(engine: Engine) -> None:
    clock = Clock()
    store = SqlCallStore(engine, ttl_seconds=600, clock=clock)
    call_id = f"store-{uuid.uuid4().hex}"
    assert store.create(CallState(call_id=call_id, caller="0912345678", speech=True))
    assert not store.create(CallState(call_id=call_id))  # a live call keeps its id
    state = CallState(call_id=call_id, caller="0912345678", speech=True, step="verify", tries=1)
    store.save(state, event_id="ev-7", reply=[{"type": "hangup"}])
    stored = store.load(call_id)
    assert stored is not None
    assert stored.state == state
    assert (stored.last_event_id, stored.last_reply) == ("ev-7", [{"type": "hangup"}])
    store.delete(call_id)
    assert store.load(call_id) is None


def test_a_silent_call_expires(engine: Engine) -> None:
    clock = Clock()
    store = SqlCallStore(engine, ttl_seconds=600, clock=clock)
    call_id = f"store-{uuid.uuid4().hex}"
    store.create(CallState(call_id=call_id))
    clock.now += 601
    assert store.load(call_id) is None
    assert store.create(CallState(call_id=call_id))  # the id may start a new call


def test_a_whole_webhook_call_on_this_database(
    engine: Engine, settings: Settings, service: Service, tmp_path: Path
) -> None:
    assert service.dossier is not None
    flow = CallFlow(
        options=flow_options(service),
        ask=agent_ask(service.agent),
        directory=caller_directory(service),
        status=service.dossier.deps.client,
        limiter=SqlLookupLimiter(make_engine(f"sqlite:///{tmp_path / 'limits.db'}"), LookupLimits()),
    )
    app = FastAPI()
    app.include_router(
        voice_webhook_router(flow, SqlCallStore(engine, ttl_seconds=600), path="/voice", token="")
    )
    install_error_handlers(app)
    call_id = f"pg-{uuid.uuid4().hex[:16]}"
    with TestClient(app) as client:

        def post(**body: object) -> list[dict[str, object]]:
            response = client.post("/voice", json={"call_id": call_id, **body})
            assert response.status_code == 200, response.text
            return list(response.json()["actions"])

        assert post(event="call_started", **{"from": "0912345678"})[-1]["type"] == "gather"
        assert post(event="dtmf", digits="1")[-1]["max_digits"] == 4
        replies = post(event="dtmf", digits="4321")
        assert any("Hồ sơ mã" in str(a.get("text")) for a in replies)
        assert post(event="call_ended") == []
        assert (
            client.post("/voice", json={"call_id": call_id, "event": "dtmf", "digits": "1"}).status_code
            == 404
        )
