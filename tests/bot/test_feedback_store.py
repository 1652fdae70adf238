"""The 👍/👎 table: its migration matches the model, ratings are validated and masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine

from bot.feedback_store import FeedbackRow, SqlFeedbackStore


def test_the_migration_matches_the_model(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'feedback.db'}")
    SqlFeedbackStore(engine)
    metadata = MetaData()
    FeedbackRow.__table__.to_metadata(metadata)

    def ours(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in metadata.tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours})
        assert compare_metadata(context, metadata) == []


def test_ratings_are_stored_masked_and_counted(tmp_path: Path) -> None:
    store = SqlFeedbackStore(create_engine(f"sqlite:///{tmp_path / 'feedback.db'}"))
    store.add(sender_id="web-1", channel="widget", rating=1, answer="Dạ, lệ phí ...")
    store.add(sender_id="web-1", channel="widget", rating=-1, answer="gọi 0912 345 678", question="sđt 0912345678")
    rows = store.for_sender("web-1")
    assert [r.rating for r in rows] == [1, -1]
    assert rows[1].answer == "gọi ******5678" and rows[1].question == "sđt ******5678"
    summary = store.summary()
    assert (summary.helpful, summary.not_helpful) == (1, 1)
    with pytest.raises(ValueError):
        store.add(sender_id="web-1", channel="widget", rating=0, answer="x")
