"""Calls of the voice webhook between two requests (``telephony.call_store``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_calls",
        sa.Column("call_id", sa.String(length=128), primary_key=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("last_event_id", sa.String(length=128), nullable=True),
        sa.Column("last_reply", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_voice_calls_updated_at", "voice_calls", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_voice_calls_updated_at", table_name="voice_calls")
    op.drop_table("voice_calls")
