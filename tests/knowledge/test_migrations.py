"""Alembic migrations: a fresh database, a database made by ``create_all`` before them, PostgreSQL."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, create_engine, inspect, text

from bot.tracker_store import EventRow, SqlTrackerStore
from knowledge.catalogue import SqlCatalogue
from knowledge.loader import load_catalogue_dir
from knowledge.migrations import head_revisions, upgrade_schema
from knowledge.models import Base

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")


def differences(engine: Engine) -> list[object]:
    """What autogenerate would write to make the catalogue and tracker tables match their models;
    [] when in step. Tables of other stores (dossier lookups...) are theirs to check."""
    metadata = MetaData()
    for table in (*Base.metadata.tables.values(), *EventRow.metadata.tables.values()):
        table.to_metadata(metadata)

    def ours(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in metadata.tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours})
        diffs: list[object] = compare_metadata(context, metadata)
    return diffs


def current(engine: Engine) -> frozenset[str]:
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def test_fresh_database_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade_schema(engine)
    assert {"procedures", "conversation_events"} <= set(inspect(engine).get_table_names())
    assert current(engine) == head_revisions()
    assert differences(engine) == []


def test_database_made_before_migrations_keeps_its_rows(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    Base.metadata.create_all(engine)
    EventRow.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO conversation_events (sender_id, type_name, timestamp, data)"
                " VALUES ('a', 'user', 1.0, '{}')"
            )
        )
    store = SqlTrackerStore(engine, [])
    assert current(engine) == head_revisions()
    assert store.senders() == ["a"]


def test_upgrade_is_quick_when_current(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'quick.db'}")
    upgrade_schema(engine)
    started = time.perf_counter()
    for _ in range(10):
        upgrade_schema(engine)
    assert (time.perf_counter() - started) / 10 < 0.1  # one SELECT, not a migration run


@pytest.mark.skipif(not POSTGRES, reason="DVCBOT_TEST_POSTGRES_URL not set")
def test_postgres_schema_matches_the_models() -> None:
    assert POSTGRES
    engine = create_engine(POSTGRES)
    catalogue = SqlCatalogue(engine)
    catalogue.upsert(load_catalogue_dir(ROOT / "knowledge" / "data"))
    assert current(engine) == head_revisions()
    assert differences(engine) == []
