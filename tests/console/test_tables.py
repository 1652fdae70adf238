"""Alembic revision 0009 creates exactly the console's tables as ``console.tables`` declares them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from console.tables import ConsoleBase
from knowledge.migrations import upgrade_schema


def test_the_migration_matches_the_console_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade_schema(engine)
    ours = set(ConsoleBase.metadata.tables)

    def only_ours(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in ours

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": only_ours})
        assert compare_metadata(context, ConsoleBase.metadata) == []
