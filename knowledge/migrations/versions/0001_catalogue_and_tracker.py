"""The procedure catalogue (``procedures``) and the conversation events (``conversation_events``).

Databases created before migrations existed already hold these tables (``create_all``); the
revision then only records itself, so an old ``dvcbot.db`` upgrades in place.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if not _has_table("procedures"):
        op.create_table(
            "procedures",
            sa.Column("code", sa.String(length=64), primary_key=True),
            sa.Column("national_code", sa.String(length=32), nullable=True),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("field", sa.String(length=64), nullable=False),
            sa.Column("source", sa.String(length=32), nullable=False),
            sa.Column("checked_on", sa.Date(), nullable=False),
            sa.Column("record", sa.JSON(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        )
        op.create_index("ix_procedures_national_code", "procedures", ["national_code"])
        op.create_index("ix_procedures_field", "procedures", ["field"])
    if not _has_table("conversation_events"):
        op.create_table(
            "conversation_events",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("sender_id", sa.String(length=255), nullable=False),
            sa.Column("type_name", sa.String(length=32), nullable=False),
            sa.Column("timestamp", sa.Float(), nullable=False),
            sa.Column("data", sa.JSON(), nullable=False),
        )
        op.create_index("ix_conversation_events_sender_id", "conversation_events", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_conversation_events_sender_id", table_name="conversation_events")
    op.drop_table("conversation_events")
    op.drop_index("ix_procedures_field", table_name="procedures")
    op.drop_index("ix_procedures_national_code", table_name="procedures")
    op.drop_table("procedures")
