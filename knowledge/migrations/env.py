"""Alembic environment: migrates the connection handed over by ``upgrade_schema``, or, from the
``alembic`` command line, the database of ``DATABASE_URL`` / the project's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine

config = context.config


def _target_metadata() -> list[MetaData]:
    # Imported here, not at the top: the running service hands over a connection and needs no models.
    from bot.feedback_store import FeedbackRow
    from bot.seen_ids_store import SeenIdRow
    from bot.sender_secret_store import SenderSecretRow
    from bot.tracker_store import EventRow
    from knowledge.dossier.tables import DossierBotBase
    from knowledge.models import Base
    from telephony.call_store import VoiceCallRow

    return [Base.metadata, EventRow.metadata, DossierBotBase.metadata, FeedbackRow.metadata, SenderSecretRow.metadata,
            SeenIdRow.metadata, VoiceCallRow.metadata]


def _run(connection: object, metadata: list[MetaData] | None) -> None:
    context.configure(connection=connection, target_metadata=metadata)  # type: ignore[arg-type]
    with context.begin_transaction():
        context.run_migrations()


handed_over = config.attributes.get("connection")
if handed_over is not None:
    _run(handed_over, None)
else:
    from bot.settings import load_settings

    engine = create_engine(config.get_main_option("sqlalchemy.url") or load_settings().stores.catalogue_url)
    with engine.connect() as connection:
        _run(connection, _target_metadata())
        connection.commit()
