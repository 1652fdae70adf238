"""One row per conversation with its bounded snapshot, version and fence (``bot.tracker_store``).

A turn reads this row instead of replaying ``conversation_events``, which stays whole for history.
Conversations stored before this revision have no row; the store replays their events once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("conversation_states"):  # made by create_all in old tests
        return
    op.create_table(
        "conversation_states",
        sa.Column("sender_id", sa.String(length=255), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fence", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("recent", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_states")
