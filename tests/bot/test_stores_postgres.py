"""The tracker store and the catalogue on a real PostgreSQL server (``DVCBOT_TEST_POSTGRES_URL``).

``.ci/run`` starts the machine's PostgreSQL and sets the URL; on a laptop without one these skip.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bot.events import session_started, slot_set, user_uttered
from bot.sender_secret_store import SqlSenderSecretStore
from bot.service import make_engine
from bot.tracker_store import SqlTrackerStore
from knowledge.catalogue import SqlCatalogue
from knowledge.dossier.verifications import SqlVerificationStore
from knowledge.loader import load_catalogue_dir

URL = os.environ.get("DVCBOT_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="DVCBOT_TEST_POSTGRES_URL not set")
ROOT = Path(__file__).resolve().parents[2]


def test_tracker_store_round_trip_on_postgres() -> None:
    assert URL
    store = SqlTrackerStore(make_engine(URL), ["procedure"])
    sender = f"pg-{uuid.uuid4().hex}"
    store.append(sender, [session_started(), user_uttered("gia hạn gplđ, sđt 0912345678", {"entities": []})])
    store.append(sender, [slot_set("procedure", "work_permit_extension")])
    tracker = store.retrieve(sender)
    assert tracker.get_slot("procedure") == "work_permit_extension"
    assert [e["event"] for e in tracker.events] == ["session_started", "user", "slot"]
    assert "0912345678" not in tracker.events[1]["text"]


def test_catalogue_on_postgres() -> None:
    assert URL
    catalogue = SqlCatalogue(make_engine(URL))
    records = load_catalogue_dir(ROOT / "knowledge/data")
    catalogue.upsert(records)
    assert catalogue.upsert(records) == (0, 0)
    record = catalogue.get("work_permit_issue")
    assert record is not None and record.legal_basis
    assert len(catalogue.in_field("nguoi_co_cong")) >= 6


def test_verifications_and_sender_secrets_on_postgres() -> None:
    assert URL
    engine = make_engine(URL)
    verifications = SqlVerificationStore(engine)
    sender = f"pg-{uuid.uuid4().hex}"
    verifications.record(sender_id=sender, channel="rest", code="X", status="processing")
    verifications.record(sender_id=sender, channel="rest", code="Y", status="received")
    current = verifications.current(sender_id=sender, channel="rest")
    assert current is not None and current.code == "Y"
    secrets = SqlSenderSecretStore(engine)
    secret = secrets.issue(sender)
    assert secret is not None and secrets.issue(sender) is None
    assert secrets.verify(sender, secret) and not secrets.verify(sender, secret + "x")
