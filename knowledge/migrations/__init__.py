"""Alembic migrations of dvcbot's own tables, run programmatically when a store opens its database.

``upgrade_schema(engine)`` brings any SQLAlchemy database to the newest revision. When the database
is already there it costs one ``SELECT`` on ``alembic_version`` (SQLite start-up stays fast); on
PostgreSQL the check and the upgrade run under an advisory lock, so several ``dvcbot run`` processes
starting together migrate once. Developers write a new revision with ``alembic revision
--autogenerate -m "..."`` from the project root (``alembic.ini``). They live in ``knowledge/`` beside
the catalogue models and also cover ``bot.tracker_store``'s table: one history for the database.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

__all__ = ["MIGRATIONS_DIR", "alembic_config", "head_revisions", "upgrade_schema"]

MIGRATIONS_DIR = Path(__file__).resolve().parent
# Any constant shared by every dvcbot process: the key of the PostgreSQL advisory lock.
_LOCK_KEY = 0x64766362  # "dvcb"


def alembic_config() -> Config:
    """The Alembic configuration without an ini file: only the script location is needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@cache
def head_revisions() -> frozenset[str]:
    """The newest revision(s) in ``migrations/versions`` (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade dvcbot's tables in ``engine``'s database; a no-op when they are current."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
        if current == head_revisions():
            return
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
